//! Leptos' pages and server functions, and the fallback that serves `public/` files and renders
//! the not-found page. Every render gets the `AppState` and notes its script nonce.

use super::page_policy;
use app::{shell, App, AppState};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub fn router(state: AppState, options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let context = move || {
        provide_context(state.clone());
        page_policy::remember_nonce();
    };
    Router::new()
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(options)
}
