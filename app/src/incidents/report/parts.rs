//! The report form's two larger pieces: the street map a tap moves the position on, and the
//! photo picker that shrinks photos on the phone before the outbox keeps them.

#[cfg(feature = "hydrate")]
use super::wire::PHOTO_EDGE_PX;
use crate::areas::MapData;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// The street map; a tap moves the report's position there.
#[component]
pub(super) fn TapMap(
    map: MapData,
    fix: RwSignal<Option<(f64, f64, Option<f64>)>>,
    adjusted: RwSignal<bool>,
) -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "hydrate")]
    use crate::areas::MAP_PAD;
    use crate::areas::{MapMarker, MapShapes};
    let map_height = map.height;
    let view_box = map.view_box();
    let projection = map.projection;
    let marker = move || {
        fix.get()
            .map(|(lat, lon, _)| view! { <MapMarker at=projection.point(lat, lon) /> })
    };
    let on_tap = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(svg) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            // From the tap's pixel to the viewBox (the drawing plus MAP_PAD around it).
            let pad = f64::from(MAP_PAD);
            let (width, height) = (1000.0 + 2.0 * pad, f64::from(map_height) + 2.0 * pad);
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return;
            }
            let x = (f64::from(ev.client_x()) - rect.left()) / rect.width() * width - pad;
            let y = (f64::from(ev.client_y()) - rect.top()) / rect.height() * height - pad;
            let (lat, lon) = projection.position(x, y);
            fix.set(Some((lat, lon, None)));
            adjusted.set(true);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, adjusted, map_height);
    };
    view! {
        <figure class="card area-map tap-map">
            <svg
                viewBox=view_box
                role="img"
                aria-label=t.map_label
                xmlns="http://www.w3.org/2000/svg"
                data-testid="report-map"
                on:click=on_tap
            >
                <MapShapes areas=map.areas sites=map.sites />
                {marker}
            </svg>
        </figure>
    }
}

/// Photos: the camera or the gallery; each is shrunk on the phone (`public/photo.js`) before it
/// is kept, so the outbox holds and sends a few hundred kilobytes, not a 5 MB original.
#[component]
pub(super) fn PhotoPicker(
    photos: RwSignal<Vec<String>>,
    max_photos: usize,
    photo_error: RwSignal<Option<&'static str>>,
    shrinking: RwSignal<u32>,
) -> impl IntoView {
    let i = use_texts().incident;
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(files) = input.files() else { return };
            photo_error.set(None);
            let mut picked = Vec::new();
            for n in 0..files.length() {
                if let Some(file) = files.get(n) {
                    picked.push(file);
                }
            }
            input.set_value("");
            leptos::task::spawn_local(async move {
                shrinking.update(|n| *n += 1);
                for file in picked {
                    if photos.with_untracked(|p| p.len()) >= max_photos {
                        // More were chosen than a report carries: say so, keep the first ones.
                        photo_error.set(Some(i.photo_too_many));
                        break;
                    }
                    match shrink(&file, PHOTO_EDGE_PX).await {
                        Some(url) => photos.update(|p| p.push(url)),
                        None => photo_error.set(Some(i.photo_unreadable)),
                    }
                }
                shrinking.update(|n| *n = n.saturating_sub(1));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, shrinking);
    };
    view! {
        <section class="field photos" aria-labelledby="photos-title">
            <span id="photos-title">
                {i.photos} " · " {i.photo_limit} " " {max_photos} " " {i.photo_unit}
            </span>
            <div class="photo-strip" data-testid="photo-strip">
                {move || {
                    photos
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(n, url)| {
                            view! {
                                <figure class="thumb" data-testid="photo-thumb">
                                    <img src=url alt=i.photo_of />
                                    <button
                                        type="button"
                                        class="thumb-remove"
                                        aria-label=i.remove_photo
                                        on:click=move |_| {
                                            photos
                                                .update(|p| {
                                                    if n < p.len() {
                                                        p.remove(n);
                                                    }
                                                })
                                        }
                                    >
                                        "×"
                                    </button>
                                </figure>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <Show when=move || photos.with(|p| p.len()) < max_photos>
                <label class="button block photo-add">
                    // No `capture`: the phone offers the camera and the gallery both.
                    {i.add_photo}
                    <input
                        type="file"
                        accept="image/*"
                        multiple
                        class="visually-hidden"
                        data-testid="photo-input"
                        on:change=on_pick
                    />
                </label>
            </Show>
            {move || {
                photo_error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// `PinganPhoto.shrink(file, edge)` from `public/photo.js`: a JPEG `data:` URL, or `None` when
/// the browser cannot read the file as an image.
#[cfg(feature = "hydrate")]
async fn shrink(file: &web_sys::File, edge: u32) -> Option<String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let window = web_sys::window()?;
    let photo = Reflect::get(&window, &JsValue::from_str("PinganPhoto")).ok()?;
    let shrink: Function = Reflect::get(&photo, &JsValue::from_str("shrink"))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = shrink
        .call2(&photo, file, &JsValue::from(edge))
        .ok()?
        .dyn_into()
        .ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_string()
}
