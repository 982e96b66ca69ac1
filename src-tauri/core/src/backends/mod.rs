//! Publishing backends: places that hold a copy of the library and publish
//! it. Today the WordPress site with Valise's companion plugin (`wordpress`).

pub mod wordpress;
