// Pingan Vest photo shrinking: a phone photo (often 3–8 MB) becomes a JPEG of at most
// `edge` pixels on its longest side before the report keeps it, so the outbox stores and a weak
// network carries a few hundred kilobytes. Drawing through a canvas also drops the photo's
// metadata (EXIF, GPS); the server strips it again anyway and never trusts this step.
"use strict";

(function (scope) {
  const QUALITY = 0.82;

  // Decodes the file upright (the EXIF orientation applied), or rejects if it is no image.
  function decode(file) {
    if (scope.createImageBitmap) {
      return scope.createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise((resolve, reject) => {
      const url = URL.createObjectURL(file);
      const img = new Image();
      img.onload = () => {
        URL.revokeObjectURL(url);
        resolve(img);
      };
      img.onerror = () => {
        URL.revokeObjectURL(url);
        reject(new Error("not an image"));
      };
      img.src = url;
    });
  }

  // Resolves with a `data:image/jpeg;base64,…` URL, or rejects when the file cannot be read.
  async function shrink(file, edge) {
    const image = await decode(file);
    const width = image.width;
    const height = image.height;
    if (!width || !height) throw new Error("empty image");
    const scale = Math.min(1, edge / Math.max(width, height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext("2d");
    // JPEG has no transparency: a transparent PNG gets a white background, not black.
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    if (image.close) image.close();
    return canvas.toDataURL("image/jpeg", QUALITY);
  }

  scope.PinganPhoto = { shrink };
})(self);
