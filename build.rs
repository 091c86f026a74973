//! The Windows program carries its icon, version and description (Explorer, Apps & features,
//! Task Manager): a resource compiled with the mingw toolchain's windres. Nothing for other targets.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return Ok(());
    }
    let mut res = winresource::WindowsResource::new();
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu") && !cfg!(windows) {
        // Cross-compiling: mingw-w64's tools, found on PATH.
        res.set_windres_path("x86_64-w64-mingw32-windres")
            .set_ar_path("x86_64-w64-mingw32-ar")
            .set_toolkit_path(".");
    }
    res.set_icon("assets/icon.ico")
        .set("FileDescription", "Network backup of an EXACT practice's data folder")
        .set("ProductName", "logoff-backup");
    res.compile()?;
    Ok(())
}
