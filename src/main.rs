use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = aiguard::cli::Cli::parse();
    let status = aiguard::app::run(cli);
    std::process::ExitCode::from(status as u8)
}
