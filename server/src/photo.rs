//! Uploaded incident photos become plain JPEGs with nothing in them but pixels.
//!
//! A phone photo's EXIF holds the reporter's GPS position and the camera's make, model and
//! serial number, which can identify the phone and so the volunteer. Under PIPL that is personal
//! information we have no purpose for, so none of it is kept: the photo is decoded to pixels and
//! re-encoded, which writes no EXIF, XMP, ICC or comment segment at all, and the result is then
//! checked segment by segment. The type is judged by content, never by a name or a client's
//! content type, and the pixel count is checked from the header before anything is decoded, so a
//! small file cannot claim a huge canvas and exhaust the server's memory.
//!
//! Known loss: an embedded ICC profile (e.g. an iPhone's Display P3) is dropped, not converted,
//! so such photos come out slightly less saturated.
//!
//! Decoding is CPU-bound and holds the decoded image (3 bytes a pixel for a typical photo, up to
//! `max_input_pixels` pixels) plus a resampling buffer: call it inside
//! `tokio::task::spawn_blocking` and bound how many run at once.
//!
//! Cargo.toml lines this module needs (`sha2` 0.10.9, `thiserror` 2 and `tracing` are already
//! server dependencies):
//! ```toml
//! # root Cargo.toml, [workspace.dependencies]
//! image = { version = "0.25.10", default-features = false, features = ["jpeg", "png", "webp"] }
//! kamadak-exif = "0.6.2"
//! # server/Cargo.toml: image under [dependencies], kamadak-exif under [dev-dependencies]
//! image.workspace = true
//! kamadak-exif.workspace = true
//! ```

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::{Digest, Sha256};

/// What an upload may be and what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRules {
    /// Checked before anything is parsed.
    pub max_upload_bytes: usize,
    /// The stored photo's longest edge; a phone screen needs no more.
    pub max_edge_px: u32,
    /// Refused from the header alone: a decompression bomb is a small file with a huge canvas.
    pub max_input_pixels: u64,
    /// 1–100.
    pub jpeg_quality: u8,
}

impl Default for PhotoRules {
    fn default() -> Self {
        Self {
            max_upload_bytes: 8 * 1024 * 1024,
            max_edge_px: 1600,
            // 24 MP (6000 × 4000): phones shrink photos to 1600 px before sending, so only a
            // report made without the app's script comes near this; it bounds decode memory.
            max_input_pixels: 24_000_000,
            jpeg_quality: 82,
        }
    }
}

/// A photo safe to store and serve: a baseline JPEG with no metadata segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    /// Always `"image/jpeg"`.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-256 of `bytes`, to store a photo sent twice only once.
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The upload is over `max_upload_bytes`.
    #[error("photo too large")]
    TooLarge,
    /// The content does not start like a JPEG, PNG or WebP file.
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// It starts like an image but is truncated, corrupt or an unsupported variant.
    #[error("the image could not be read")]
    Unreadable,
    /// The header claims more than `max_input_pixels`, or an edge no real photo has.
    #[error("image dimensions too large")]
    TooManyPixels,
}

/// No format we accept can be wider or taller than this (JPEG stores edges in 16 bits), so a
/// header that claims more is a forgery; the decoders refuse it before reading any pixel.
const MAX_HEADER_EDGE: u32 = u16::MAX as u32;

/// 16-bit RGBA, the widest pixel the enabled decoders produce: the allocation budget never
/// refuses an image that passes the pixel cap, yet bounds what a lying file can make them hold.
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Checks, decodes, turns upright, downscales and re-encodes an uploaded photo.
pub fn clean_photo(bytes: &[u8], rules: &PhotoRules) -> Result<CleanPhoto, PhotoError> {
    if bytes.len() > rules.max_upload_bytes {
        return Err(PhotoError::TooLarge);
    }
    let format = sniff(bytes).ok_or(PhotoError::NotAnImage)?;

    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_HEADER_EDGE);
    limits.max_image_height = Some(MAX_HEADER_EDGE);
    limits.max_alloc = Some(rules.max_input_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.clone());
    // Building the decoder reads only the header.
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > rules.max_input_pixels {
        return Err(PhotoError::TooManyPixels);
    }
    // The orientation lives in the EXIF we are about to drop, so it must be applied to the
    // pixels. A broken EXIF block is no reason to refuse an otherwise good photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // As `ImageReader::decode` does: the output buffer counts against the budget, and the
    // rest is what the decoder may allocate on its own.
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| PhotoError::TooManyPixels)?;
    decoder.set_limits(limits).map_err(decode_error)?;
    let decoded = DynamicImage::from_decoder(decoder).map_err(decode_error)?;

    // Flatten before resampling, or the hidden colour of transparent pixels bleeds into edges.
    let mut image = DynamicImage::ImageRgb8(flatten_onto_white(decoded));
    let max_edge = rules.max_edge_px.max(1);
    if image.width().max(image.height()) > max_edge {
        image = image.resize(max_edge, max_edge, FilterType::Triangle);
    }
    // After the resize: turning a smaller image is cheaper, and the longest edge is the same.
    image.apply_orientation(orientation);
    let pixels = image.into_rgb8();

    let mut encoded = Vec::new();
    JpegEncoder::new_with_quality(&mut encoded, rules.jpeg_quality)
        .encode_image(&pixels)
        .map_err(|_| PhotoError::Unreadable)?;
    let bytes = strip_metadata_segments(&encoded).ok_or(PhotoError::Unreadable)?;
    if bytes.len() != encoded.len() {
        // The encoder is only given pixels; metadata in its output means a changed dependency.
        tracing::warn!("the JPEG encoder wrote metadata segments; they were stripped");
    }

    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(CleanPhoto {
        content_type: "image/jpeg",
        width: pixels.width(),
        height: pixels.height(),
        bytes,
        sha256,
    })
}

/// The format by magic bytes. Only these three: each decoder is attack surface.
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn decode_error(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Unreadable,
    }
}

/// Transparent areas become white, as they look on the page, not black.
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u32::from(px[3]);
        for channel in 0..3 {
            let over_white = (u32::from(px[channel]) * alpha + 255 * (255 - alpha) + 127) / 255;
            // At most (255 * 255 + 127) / 255 = 255, so the conversion never saturates.
            out[channel] = u8::try_from(over_white).unwrap_or(u8::MAX);
        }
    }
    rgb
}

/// Copies a JPEG without its APP1–APP15 and COM segments (EXIF, XMP, ICC, maker notes,
/// comments) and without anything after EOI; APP0 (JFIF) is kept.
///
/// Defence in depth: our encoder is only given pixels, so this normally copies every byte.
/// Stripping rather than refusing keeps an upload working if a dependency ever starts writing
/// metadata. `None` if the marker structure is malformed.
fn strip_metadata_segments(jpeg: &[u8]) -> Option<Vec<u8>> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(jpeg.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        if *jpeg.get(i)? != 0xFF {
            return None;
        }
        while *jpeg.get(i + 1)? == 0xFF {
            i += 1; // fill bytes before a marker
        }
        let marker = *jpeg.get(i + 1)?;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            // Markers without a length field.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
                continue;
            }
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([*jpeg.get(i + 2)?, *jpeg.get(i + 3)?]));
        if length < 2 {
            return None;
        }
        let end = i + 2 + length;
        if !matches!(marker, 0xE1..=0xEF | 0xFE) {
            out.extend_from_slice(jpeg.get(i..end)?);
        }
        i = end;
        if marker == 0xDA {
            // Entropy-coded data: a 0xFF in it is followed by a stuffed 0x00 or a restart
            // marker; anything else starts the next segment.
            let start = i;
            while *jpeg.get(i)? != 0xFF || matches!(*jpeg.get(i + 1)?, 0x00 | 0xD0..=0xD7) {
                i += 1;
            }
            out.extend_from_slice(&jpeg[start..i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::PngEncoder;
    use image::codecs::webp::WebPEncoder;
    use image::{ExtendedColorType, ImageEncoder, Rgba, RgbaImage};

    /// 640×480 stored, Orientation 6, GPS 36.6512 N 117.1201 E; see `make_gps_photo.py`.
    const FIXTURE: &[u8] = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/gps-photo.jpg"
    ));

    fn clean(bytes: &[u8]) -> CleanPhoto {
        clean_photo(bytes, &PhotoRules::default()).expect("a valid image cleans")
    }

    fn exif_of(bytes: &[u8]) -> Result<exif::Exif, exif::Error> {
        exif::Reader::new().read_from_container(&mut Cursor::new(bytes))
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn gradient(width: u32, height: u32, alpha: u8) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            Rgba([
                (x % 256) as u8,
                (y % 256) as u8,
                ((x + y) % 256) as u8,
                alpha,
            ])
        })
    }

    fn png(image: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(
                image,
                image.width(),
                image.height(),
                ExtendedColorType::Rgba8,
            )
            .expect("PNG encodes");
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }

    /// A well-formed small PNG whose IHDR claims `width`×`height`.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(&gradient(4, 4, 255));
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]); // chunk type and data
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn rgb_at(photo: &CleanPhoto, x: u32, y: u32) -> [u8; 3] {
        image::load_from_memory(&photo.bytes)
            .expect("output decodes")
            .to_rgb8()
            .get_pixel(x, y)
            .0
    }

    #[test]
    fn the_fixture_carries_gps_make_model_and_orientation() {
        let exif = exif_of(FIXTURE).expect("the fixture has EXIF");
        let latitude = exif
            .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .expect("the fixture has GPSLatitude");
        let exif::Value::Rational(dms) = &latitude.value else {
            panic!("{latitude:?}")
        };
        let degrees = dms[0].to_f64() + dms[1].to_f64() / 60.0 + dms[2].to_f64() / 3600.0;
        assert!((degrees - 36.6512).abs() < 1e-4, "{degrees}");
        for tag in [
            exif::Tag::GPSLongitude,
            exif::Tag::GPSLatitudeRef,
            exif::Tag::Make,
        ] {
            assert!(exif.get_field(tag, exif::In::PRIMARY).is_some(), "{tag}");
        }
        let orientation = exif
            .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .expect("the fixture has Orientation");
        assert_eq!(orientation.value.get_uint(0), Some(6));
        assert!(contains(FIXTURE, b"GPS-Fixture-Phone"));
    }

    #[test]
    fn cleaning_removes_all_metadata() {
        let clean = clean(FIXTURE);
        assert_eq!(clean.content_type, "image/jpeg");
        assert!(exif_of(&clean.bytes).is_err(), "no EXIF block at all");
        assert!(!contains(&clean.bytes, &[0xFF, 0xE1]), "no APP1 segment");
        for leak in [
            &b"Exif\0\0"[..],
            b"FixtureMaker",
            b"GPS-Fixture-Phone",
            b"SN-0042-FIXTURE",
        ] {
            assert!(
                !contains(&clean.bytes, leak),
                "{}",
                String::from_utf8_lossy(leak)
            );
        }
        assert_eq!(
            strip_metadata_segments(&clean.bytes),
            Some(clean.bytes.clone())
        );
    }

    #[test]
    fn orientation_6_turns_the_photo_upright() {
        let clean = clean(FIXTURE);
        assert_eq!((clean.width, clean.height), (480, 640));
        // The red square stored at the top-left is shown at the top-right after a clockwise turn.
        let [r, g, b] = rgb_at(&clean, 440, 40);
        assert!(r > 180 && g < 80 && b < 80, "{r} {g} {b}");
        let [r, g, _] = rgb_at(&clean, 40, 40);
        assert!(r < 180 || g > 80, "top-left is not the marker");
    }

    #[test]
    fn a_big_png_is_downscaled_to_the_longest_edge() {
        let clean = clean(&png(&gradient(3000, 2000, 255)));
        assert_eq!(clean.content_type, "image/jpeg");
        assert_eq!(clean.width, 1600);
        assert!((1066..=1067).contains(&clean.height), "{}", clean.height);
        assert!(clean.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn small_images_are_never_upscaled() {
        let clean = clean(&png(&gradient(30, 20, 255)));
        assert_eq!((clean.width, clean.height), (30, 20));
    }

    #[test]
    fn transparency_becomes_white() {
        let clean = clean(&png(&gradient(64, 64, 0)));
        assert!(rgb_at(&clean, 32, 32).iter().all(|&c| c > 245));
    }

    #[test]
    fn webp_is_accepted() {
        let image = gradient(50, 40, 255);
        let mut webp = Vec::new();
        WebPEncoder::new_lossless(&mut webp)
            .write_image(&image, 50, 40, ExtendedColorType::Rgba8)
            .expect("WebP encodes");
        let clean = clean(&webp);
        assert_eq!((clean.width, clean.height), (50, 40));
    }

    #[test]
    fn the_type_is_judged_by_content_only() {
        // There is no name or claimed type to pass: a PNG is a PNG whatever the client said.
        assert!(clean_photo(&png(&gradient(8, 8, 255)), &PhotoRules::default()).is_ok());
        let not_images: [&[u8]; 5] = [
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>",
            b"RIFF\x00\x00\x00\x00WAVEfmt ",
            b"",
        ];
        for bytes in not_images {
            assert_eq!(
                clean_photo(bytes, &PhotoRules::default()),
                Err(PhotoError::NotAnImage)
            );
        }
    }

    #[test]
    fn a_truncated_jpeg_is_unreadable() {
        let result = clean_photo(&FIXTURE[..200], &PhotoRules::default());
        assert_eq!(result, Err(PhotoError::Unreadable));
    }

    #[test]
    fn size_is_checked_before_anything_else() {
        let rules = PhotoRules {
            max_upload_bytes: FIXTURE.len() - 1,
            ..PhotoRules::default()
        };
        assert_eq!(clean_photo(FIXTURE, &rules), Err(PhotoError::TooLarge));
        let junk = vec![0u8; PhotoRules::default().max_upload_bytes + 1];
        assert_eq!(
            clean_photo(&junk, &PhotoRules::default()),
            Err(PhotoError::TooLarge)
        );
    }

    #[test]
    fn huge_canvases_are_refused_from_the_header() {
        // Decoding either would need gigabytes; the test finishing shows nothing was allocated.
        for (width, height) in [(100_000, 100_000), (10_000, 10_000)] {
            let bomb = png_claiming(width, height);
            assert_eq!(
                clean_photo(&bomb, &PhotoRules::default()),
                Err(PhotoError::TooManyPixels)
            );
        }
        let rules = PhotoRules {
            max_input_pixels: 640 * 480 - 1,
            ..PhotoRules::default()
        };
        assert_eq!(clean_photo(FIXTURE, &rules), Err(PhotoError::TooManyPixels));
    }

    #[test]
    fn sha256_is_the_lowercase_hex_digest_of_the_bytes() {
        let clean = clean(FIXTURE);
        let expected: String = Sha256::digest(&clean.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(clean.sha256, expected);
        assert_eq!(clean.sha256.len(), 64);
        assert!(clean
            .sha256
            .chars()
            .all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    }

    #[test]
    fn cleaning_a_clean_photo_keeps_its_size_class() {
        let once = clean(FIXTURE);
        let twice = clean(&once.bytes);
        assert_eq!((twice.width, twice.height), (once.width, once.height));
        let ratio = twice.bytes.len() as f64 / once.bytes.len() as f64;
        assert!((0.8..1.25).contains(&ratio), "{ratio}");
    }

    #[test]
    fn stripping_removes_exif_from_a_camera_jpeg() {
        let stripped = strip_metadata_segments(FIXTURE).expect("the fixture is well-formed");
        assert!(exif_of(&stripped).is_err());
        assert!(!contains(&stripped, b"GPS-Fixture-Phone"));
        assert_eq!(
            image::load_from_memory(&stripped)
                .expect("still decodes")
                .width(),
            640
        );
        assert_eq!(strip_metadata_segments(&FIXTURE[..200]), None);
    }
}
