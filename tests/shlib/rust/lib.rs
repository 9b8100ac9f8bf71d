// A Rust cdylib: exported C functions, thread-locals, a HashMap and a panic caught inside the
// library (unwinding through the library's own .eh_frame).
use std::cell::Cell;
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

thread_local!(static CALLS: Cell<i32> = Cell::new(0));

#[no_mangle]
pub extern "C" fn rust_add(a: c_int, b: c_int) -> c_int {
    CALLS.with(|c| c.set(c.get() + 1));
    a + b
}

#[no_mangle]
pub extern "C" fn rust_calls() -> c_int {
    CALLS.with(|c| c.get())
}

#[no_mangle]
pub extern "C" fn rust_distinct(s: *const c_char) -> c_int {
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy();
    let mut m: HashMap<char, i32> = HashMap::new();
    for ch in text.chars() {
        *m.entry(ch).or_insert(0) += 1;
    }
    m.len() as c_int
}

#[no_mangle]
pub extern "C" fn rust_catch(v: c_int) -> c_int {
    let r = std::panic::catch_unwind(|| {
        if v > 0 {
            panic!("boom {}", v);
        }
        v
    });
    match r {
        Ok(x) => x,
        Err(_) => v * 11,
    }
}
