//! The browser's entry point: attach the Leptos app to the server-rendered page.

/// Hydrates the page. Each page's code is a lazily loaded wasm chunk (app/src/shell/lazy.rs),
/// so hydration waits for the current page's chunk; only once the whole tree is live does
/// `<html data-hydrated="true">` say so — to styles, and to the browser tests, which must not
/// press a button that has no handler yet.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_from_async` starts Leptos' executor itself, so this first task runs on
    // wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a server-rendered page has a body");
        let mounted = leptos::mount::hydrate_from_async(body, app::App).await;
        // The app lives as long as the page.
        mounted.forget();
        app::pwa::mark_hydrated();
    });
}
