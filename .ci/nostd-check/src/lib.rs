//! Fails to build (E0152) if any codec crate, or anything it depends on, links `std`.
#![no_std]

extern crate alloc;

// Every dependency must be referenced, or rustc never loads it and the proof passes falsely.
use pt_args as _;
use pt_env as _;
use pt_extorport as _;
use pt_ipc as _;
use pt_socks as _;

/// Exercise pt-args for real, so its code (not just its metadata) is compiled for no_std.
pub fn parse_len(input: &str) -> usize {
    pt_args::socks::parse(input).map(|a| a.len()).unwrap_or(0)
}

struct NoAlloc;

unsafe impl core::alloc::GlobalAlloc for NoAlloc {
    unsafe fn alloc(&self, _: core::alloc::Layout) -> *mut u8 {
        core::ptr::null_mut()
    }
    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}
}

#[global_allocator]
static GLOBAL: NoAlloc = NoAlloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
