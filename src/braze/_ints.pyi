from mypy_extensions import i16 as i16, i32 as i32, i64 as i64, u8 as u8
