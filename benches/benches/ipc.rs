//! Placeholder: filled in by the ipc work.
fn main() {
    divan::main();
}
