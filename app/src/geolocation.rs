//! The phone's position: one fresh fix from the browser's geolocation, for the location check
//! and for check-in. Only the browser builds fixes; the server renders the idle state.

use crate::i18n::Texts;

/// The outcome of one request for the phone's position.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(
        dead_code,
        reason = "only the browser's geolocation callbacks build these"
    )
)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fix {
    Idle,
    Locating,
    Found { lat: f64, lon: f64, accuracy_m: f64 },
    Denied,
    Unavailable,
}

impl Fix {
    pub fn describe(self, t: &Texts) -> String {
        match self {
            Fix::Idle => String::new(),
            Fix::Locating => t.gps_checking.to_owned(),
            Fix::Found {
                lat,
                lon,
                accuracy_m,
            } => {
                format!(
                    "{lat:.5}, {lon:.5} · {} {accuracy_m:.0} m",
                    t.gps_result_accuracy
                )
            }
            Fix::Denied => t.gps_denied.to_owned(),
            Fix::Unavailable => t.gps_unavailable.to_owned(),
        }
    }
}

/// Asks the browser for one high-accuracy position, at most `max_age_ms` old (0: a new fix).
#[cfg(feature = "hydrate")]
pub fn request_position(max_age_ms: u32, done: impl Fn(Fix) + Clone + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(Fix::Unavailable);
        return;
    };
    let on_fix = {
        let done = done.clone();
        Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            done(Fix::Found {
                lat: c.latitude(),
                lon: c.longitude(),
                accuracy_m: c.accuracy(),
            });
        })
    };
    let on_error = Closure::once_into_js(move |err: web_sys::PositionError| {
        done(if err.code() == web_sys::PositionError::PERMISSION_DENIED {
            Fix::Denied
        } else {
            Fix::Unavailable
        });
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    options.set_maximum_age(max_age_ms);
    let requested = geo.get_current_position_with_error_callback_and_options(
        on_fix.unchecked_ref(),
        Some(on_error.unchecked_ref()),
        &options,
    );
    if requested.is_err() {
        leptos::logging::warn!("geolocation request refused by the browser");
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn request_position(_max_age_ms: u32, _done: impl Fn(Fix) + Clone + 'static) {}
