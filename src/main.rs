use clap::Parser;

// The IR is many small allocations per file, made on every worker thread at once: mimalloc's
// thread-local heaps cut allocation cost well below glibc's (measured in bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    use_mimalloc_for_tree_sitter();
    let cli = aiguard::cli::Cli::parse();
    let status = aiguard::app::run(cli);
    std::process::ExitCode::from(status as u8)
}

/// tree-sitter's C code allocates with libc's malloc unless told otherwise; its parse trees are
/// as allocation-heavy as the IR, so they take mimalloc too.
fn use_mimalloc_for_tree_sitter() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    let allocator = tree_sitter::Allocator {
        malloc: mi_malloc,
        calloc: mi_calloc,
        realloc: mi_realloc,
        free: mi_free,
    };
    // SAFETY: called first thing in `main`, on the only thread, before any tree-sitter object
    // exists, and never again: what tree-sitter requires of `ts_set_allocator`.
    unsafe { tree_sitter::set_allocator(Some(allocator)) };
}
