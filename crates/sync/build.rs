// `sqlx::migrate!` reads migrations/central at compile time, but on stable Rust a proc
// macro cannot tell Cargo to watch that directory: without this a newly added migration
// would be silently left out of the binary until something else triggered a rebuild.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/central");
}
