//! Placeholder: filled in by the extorport work.
fn main() {
    divan::main();
}
