// A Rust program for the braze-vs-bfd comparison (tests/test_rust_go.py): std, a panic caught
// with catch_unwind (unwinding through .eh_frame sections typed SHT_X86_64_UNWIND), a backtrace
// (symbol names and DWARF line info of the linked program), thread_local and threads.
// Prints only deterministic text: the test compares stdout and stderr with the bfd-linked run.
use std::panic;
use std::sync::mpsc;
use std::thread;
use std::cell::Cell;

thread_local! {
    static COUNTER: Cell<u64> = Cell::new(0);
}

#[inline(never)]
fn braze_inner_frame(depth: u32) -> String {
    if depth == 0 {
        std::backtrace::Backtrace::force_capture().to_string()
    } else {
        braze_inner_frame(depth - 1)
    }
}

#[inline(never)]
fn braze_outer_frame() -> String {
    braze_inner_frame(2)
}

#[inline(never)]
fn braze_panicking(v: i32) -> i32 {
    if v > 2 {
        panic!("value {} too large", v);
    }
    v * 10
}

fn main() {
    let bt = braze_outer_frame();
    for name in ["braze_inner_frame", "braze_outer_frame", "main"] {
        println!("backtrace mentions {}: {}", name, bt.contains(name));
    }
    panic::set_hook(Box::new(|info| {
        eprintln!("hook: {}", info.payload().downcast_ref::<String>().map(|s| s.as_str()).unwrap_or("?"));
    }));
    for v in 1..5 {
        match panic::catch_unwind(|| braze_panicking(v)) {
            Ok(r) => println!("v={} ok {}", v, r),
            Err(e) => println!("v={} caught: {}", v, e.downcast_ref::<String>().unwrap()),
        }
    }
    let _ = panic::take_hook();
    let (tx, rx) = mpsc::channel();
    let handles: Vec<_> = (0..4u64)
        .map(|id| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..1000 {
                    COUNTER.with(|c| c.set(c.get() + i * (id + 1)));
                }
                tx.send((id, COUNTER.with(|c| c.get()))).unwrap();
            })
        })
        .collect();
    drop(tx);
    for h in handles {
        h.join().unwrap();
    }
    let mut results: Vec<_> = rx.iter().collect();
    results.sort();
    println!("threads: {:?}", results);
    println!("main thread counter: {}", COUNTER.with(|c| c.get()));
    let r = thread::spawn(|| braze_panicking(7)).join();
    println!("panicking thread joined with error: {}", r.is_err());
}
