use clap::Parser;

// The IR is many small allocations per file, made on every worker thread at once: mimalloc's
// thread-local heaps cut allocation cost well below glibc's (measured in bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = aiguard::cli::Cli::parse();
    let status = aiguard::app::run(cli);
    std::process::ExitCode::from(status as u8)
}
