// Uses rust_dep's items; compiled alone to an object (`--emit=obj`, v0 mangling) they are undefined.
#![crate_type = "lib"]
extern crate rust_dep;
use rust_dep::*;

fn ptr(_: &str, _: (u8, i16)) -> *const u8 { core::ptr::null() }
fn ident(s: &str) -> &str { s }

#[no_mangle]
pub extern "C" fn call_it(x: u32) -> u32 {
    let w = Wrapper(x);
    let s: &[i64] = &[1, 2, 3];
    let c = with_closure(x);
    let mut it = "ab".chars().map(|c| (c, 1.0));
    inner::missing_fn(x) + w.get() + w.speak() + s.speak() + TABLE[x as usize & 3] as u32
        + inner::deeper::wörld(x as u64) as u32
        + generic(x, ptr) as u32 + generic(7u8, ptr) as u32
        + Arr::<3, 'ä', true, -5>.size() as u32 + Arr::<0, '\'', false, 0>.size() as u32
        + takes_dyn(&c, &mut it) + c(1) + hrtb(ident) as u32
}
