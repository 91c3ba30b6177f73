//! Conventions every labnet binary shares: error printing, exit codes, stdout handling,
//! JSON output and colour.
//!
//! A binary's `main` is `cli::run("tool", || { ... })`. Errors are printed once, as
//! `tool: error: WHAT` followed by `  hint: ...` lines; a closed stdout (`tool | head`)
//! ends the program quietly with exit code 0, as in C tools that die of SIGPIPE.

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::process::ExitCode;

use crate::error::{Context, Error, Result};

/// Runs a tool's body and turns its outcome into the process exit code.
pub fn run(tool: &str, body: impl FnOnce() -> Result<()>) -> ExitCode {
    match body() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            report(tool, &err, &mut io::stderr().lock());
            ExitCode::from(err.exit_code())
        }
    }
}

/// Parses the command line into `T`, printing a usage error the labnet way (`tool:
/// error: WHAT` and `  hint:` lines, exit 2) instead of clap's own layout, so every
/// error of every tool has one shape; `--help` and `--version` print as clap does.
pub fn parse<T: clap::Parser>(tool: &str) -> T {
    parse_from(tool, std::env::args_os())
}

/// [`parse`] of the given arguments (the first is the program's name), for a tool that
/// puts some into canonical form first.
pub fn parse_from<T: clap::Parser>(
    tool: &str,
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> T {
    parse_from_with(tool, args, &[])
}

/// [`parse_from`] for a tool that stands in for a peer tool: `peer_flags` are the
/// peer's flags it does not take, each with what to do instead, said when one is
/// typed (`-K`: tcpdump's, in webcapture).
pub fn parse_from_with<T: clap::Parser>(
    tool: &str,
    args: impl IntoIterator<Item = std::ffi::OsString>,
    peer_flags: &[(&str, &str)],
) -> T {
    match T::try_parse_from(args) {
        Ok(args) => args,
        Err(err) => {
            use clap::error::ErrorKind;
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                err.exit();
            }
            let typed = match err.get(clap::error::ContextKind::InvalidArg) {
                Some(clap::error::ContextValue::String(typed))
                    if err.kind() == ErrorKind::UnknownArgument =>
                {
                    typed.as_str()
                }
                _ => "",
            };
            let instead = peer_flags
                .iter()
                .find(|(flag, _)| *flag == typed)
                .map(|(_, instead)| *instead);
            let usage = usage_error(tool, &err.render().to_string(), instead);
            report(tool, &usage, &mut io::stderr().lock());
            std::process::exit(i32::from(usage.exit_code()));
        }
    }
}

/// clap's rendered error (`error: WHAT`, indented detail lines, `  tip: ...`, then the
/// usage) as one labnet usage error: WHAT with its detail on one line, each tip a
/// hint, and a pointer to `--help`.
fn usage_error(tool: &str, rendered: &str, instead: Option<&str>) -> Error {
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or("");
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let mut tips = Vec::new();
    let mut in_message = true;
    for line in lines.take_while(|line| !line.starts_with("Usage:")) {
        if line.is_empty() {
            in_message = false;
        } else if let Some(tip) = line.trim_start().strip_prefix("tip: ") {
            tips.push(tip.to_string());
        } else if in_message {
            message.push(' ');
            message.push_str(line.trim());
        }
    }
    let mut err = Error::usage(message);
    // With the peer's word on the flag, clap's "use '-- -K'" would mislead (webcapture
    // runs a command after `--`).
    if instead.is_some() {
        tips.retain(|tip| !tip.starts_with("to pass '"));
    }
    for tip in tips.into_iter().chain(instead.map(String::from)) {
        err = err.hint(tip);
    }
    err.hint(format!("{tool} --help shows every option, with examples"))
}

/// A man page as clap_mangen writes it, but with a SYNOPSIS that names each option's
/// value (`[-i IFACE]`), where clap_mangen's leaves it out (`[-i ]`).
fn man_page(command: &clap::Command, invoked_as: &str) -> io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    page.extend_from_slice(synopsis(command, invoked_as).as_bytes());
    man.render_description_section(&mut page)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut page)?;
    }
    if command.get_after_help().is_some() || command.get_after_long_help().is_some() {
        man.render_extra_section(&mut page)?;
    }
    if command.get_version().is_some() {
        man.render_version_section(&mut page)?;
    }
    Ok(page)
}

/// `.SH SYNOPSIS` in roff: the command, each option with its value names, the
/// positionals, `[--] CMD...` for a last argument, and `<subcommand>`.
fn synopsis(command: &clap::Command, invoked_as: &str) -> String {
    let roff = |text: &str| text.replace('\\', "\\\\").replace('-', "\\-");
    let mut line = format!(".SH SYNOPSIS\n\\fB{}\\fR", roff(invoked_as));
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let values = arg
            .get_value_names()
            .map(|names| {
                names
                    .iter()
                    .map(|n| format!(" \\fI{}\\fR", roff(n)))
                    .collect::<String>()
            })
            .unwrap_or_default();
        let takes_value = arg.get_action().takes_values();
        let repeats = matches!(
            arg.get_action(),
            clap::ArgAction::Count | clap::ArgAction::Append
        );
        let dots = if repeats { "..." } else { "" };
        if arg.is_positional() {
            let name = arg
                .get_value_names()
                .and_then(|n| n.first())
                .map_or_else(|| arg.get_id().to_string(), |n| n.to_string());
            let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
            let more = if many { "..." } else { "" };
            if arg.is_last_set() {
                line += &format!(" [\\fB\\-\\-\\fR \\fI{}\\fR{more}]", roff(&name));
            } else if arg.is_required_set() {
                line += &format!(" \\fI{}\\fR{more}", roff(&name));
            } else {
                line += &format!(" [\\fI{}\\fR]{more}", roff(&name));
            }
            continue;
        }
        let mut forms = Vec::new();
        if let Some(short) = arg.get_short() {
            forms.push(format!("\\fB\\-{}\\fR", roff(&short.to_string())));
        }
        if let Some(long) = arg.get_long() {
            forms.push(format!("\\fB\\-\\-{}\\fR", roff(long)));
        }
        let values = if takes_value { values } else { String::new() };
        line += &format!(" [{}{values}]{dots}", forms.join("|"));
    }
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        line += " <\\fIsubcommand\\fR>";
    }
    line + "\n"
}

/// The environment variable `cargo xtask dist` sets to a directory to collect each
/// tool's man page and shell completions, generated from its real clap definition.
pub const GENERATE_ENV: &str = "LABNET_GENERATE";

/// When [`GENERATE_ENV`] names a directory, writes this tool's man page
/// (`man/man1/NAME.1`) and completions (`completions/NAME.bash`, `_NAME`, `NAME.fish`)
/// there and exits; otherwise returns at once. Call it first in `main`.
pub fn generate_if_asked(command: clap::Command) {
    // A shell asking for completions (COMPLETE=bash TOOL -- WORDS...): the tool
    // completes itself, so subcommands and values known only now (interfaces, lab
    // hosts) are offered. The installed scripts call the tool by its name.
    let name = command.get_name().to_string();
    let factory = command.clone();
    clap_complete::CompleteEnv::with_factory(move || factory.clone())
        .completer(name)
        .complete();
    if std::env::var_os(DESCRIBE_ENV).is_some() {
        let mut out = io::stdout().lock();
        let written = serde_json::to_writer(&mut out, &describe(&command, &[]))
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out));
        std::process::exit(i32::from(written.is_err()));
    }
    let Some(dir) = std::env::var_os(GENERATE_ENV) else {
        return;
    };
    let code = match generate(command, std::path::Path::new(&dir)) {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("error: generating man page and completions: {err}");
            1
        }
    };
    std::process::exit(code);
}

/// The environment variable that makes a tool print its options as JSON and exit:
/// the table the tests feed bad values from, taken from the real clap definition.
pub const DESCRIBE_ENV: &str = "LABNET_DESCRIBE_ARGS";

/// One option of a tool, as [`DESCRIBE_ENV`] lists it.
#[derive(Debug, serde::Serialize)]
struct OptionDescription {
    /// The subcommands leading to it (`["up"]` for `lab-hosts up --hosts`).
    subcommands: Vec<String>,
    /// How it is spelled: `--timeout`, or `-c` where it has no long name; empty for a
    /// positional argument.
    flag: String,
    /// `seconds`, `whole` (a whole number), `delay` (`50ms`), `percent` (`2%`), `rate`
    /// (`1mbit`), `text`, or `none` (a switch).
    value: &'static str,
}

fn describe(command: &clap::Command, path: &[String]) -> Vec<OptionDescription> {
    use std::any::TypeId;
    let mut options = Vec::new();
    for arg in command.get_arguments() {
        if matches!(arg.get_id().as_str(), "help" | "version") {
            continue;
        }
        let parser = arg.get_value_parser().type_id();
        let value = if !arg.get_action().takes_values() {
            "none"
        } else if parser == TypeId::of::<std::time::Duration>() {
            "seconds"
        } else if parser == TypeId::of::<crate::values::Delay>() {
            "delay"
        } else if parser == TypeId::of::<crate::values::Percent>() {
            "percent"
        } else if parser == TypeId::of::<crate::values::Rate>() {
            "rate"
        } else if [
            TypeId::of::<u8>(),
            TypeId::of::<u16>(),
            TypeId::of::<u32>(),
            TypeId::of::<u64>(),
            TypeId::of::<usize>(),
        ]
        .iter()
        .any(|t| parser == *t)
        {
            "whole"
        } else {
            "text"
        };
        let flag = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => String::new(),
        };
        options.push(OptionDescription {
            subcommands: path.to_vec(),
            flag,
            value,
        });
    }
    for sub in command.get_subcommands() {
        let mut deeper = path.to_vec();
        deeper.push(sub.get_name().to_string());
        options.extend(describe(sub, &deeper));
    }
    options
}

fn generate(command: clap::Command, dir: &std::path::Path) -> io::Result<()> {
    let name = command.get_name().to_string();
    let man = dir.join("man/man1");
    let completions = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    std::fs::write(man.join(format!("{name}.1")), man_page(&command, &name)?)?;
    // A subcommand's own page (`man lab-hosts-up`), as git's.
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page_name = format!("{name}-{}", sub.get_name());
        let page = man_page(
            &sub.clone().name(page_name.clone()),
            &format!("{name} {}", sub.get_name()),
        )?;
        std::fs::write(man.join(format!("{page_name}.1")), page)?;
    }
    // Each shell's registration script, as the tool prints it when a shell asks
    // (clap_complete's static bash script cannot complete nested subcommands' flags).
    let tool = std::env::current_exe()?;
    for (shell, file) in [
        ("bash", format!("{name}.bash")),
        ("zsh", format!("_{name}")),
        ("fish", format!("{name}.fish")),
    ] {
        let output = std::process::Command::new(&tool)
            .env("COMPLETE", shell)
            .env_remove(GENERATE_ENV)
            .output()?;
        if !output.status.success() || output.stdout.is_empty() {
            return Err(io::Error::other(format!(
                "{name} wrote no {shell} completion"
            )));
        }
        std::fs::write(completions.join(file), output.stdout)?;
    }
    Ok(())
}

/// Writes `tool: error: ...` and its hints; colour only on a terminal without NO_COLOR.
pub fn report(tool: &str, err: &Error, out: &mut impl Write) {
    let (red, bold, reset) = if color_enabled(&io::stderr()) {
        ("\x1b[31m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    // If stderr itself is gone there is nobody left to tell.
    let _ = writeln!(out, "{tool}: {red}{bold}error:{reset} {err}");
    for hint in err.hints() {
        let _ = writeln!(out, "  {bold}hint:{reset} {hint}");
    }
}

/// Whether to colour output on `stream`: only on a terminal, never when NO_COLOR is set
/// (to any non-empty value, per no-color.org).
pub fn color_enabled(stream: &impl IsTerminal) -> bool {
    no_color_unset(std::env::var_os("NO_COLOR").as_deref()) && stream.is_terminal()
}

fn no_color_unset(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_none_or(|v| v.is_empty())
}

/// A buffered handle on stdout; write to it with `writeln!` and `?` so that a closed
/// pipe becomes an error that [`run`] turns into a quiet exit.
pub fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// Writes one JSON document to stdout-like `out`, newline-terminated: indented when
/// stdout is a terminal (for people), compact otherwise (for programs, as `ip -j`).
pub fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<()> {
    write_json_styled(out, value, io::stdout().is_terminal())
}

fn write_json_styled(
    out: &mut impl Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> Result<()> {
    let written = if pretty {
        serde_json::to_writer_pretty(&mut *out, value)
    } else {
        serde_json::to_writer(&mut *out, value)
    };
    written
        .map_err(io::Error::from)
        .context(|| "writing JSON")?;
    writeln!(out).context(|| "writing JSON")?;
    out.flush().context(|| "writing JSON")
}

/// Maps an I/O error on stdout to a labnet error (kept as `Io` so broken pipes stay quiet).
pub fn output(result: io::Result<()>) -> Result<()> {
    result.context(|| "writing to stdout")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn error_report_has_tool_prefix_and_hint_lines() {
        let err = Error::failed("lab is not up").hint("run: sudo lab-hosts up");
        let mut out = Vec::new();
        report("lab-hosts", &err, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "lab-hosts: error: lab is not up\n  hint: run: sudo lab-hosts up\n"
        );
    }

    #[derive(clap::Parser, Debug)]
    struct Sample {
        #[arg(long, value_name = "SECS", value_parser = crate::values::seconds(0.0..=60.0))]
        timeout: Option<std::time::Duration>,
        #[arg(long)]
        verbose: bool,
        #[arg(required = true)]
        target: String,
    }

    fn usage_text(args: &[&str]) -> String {
        use clap::Parser;
        let err = Sample::try_parse_from(args).unwrap_err();
        let mut out = Vec::new();
        report(
            "sample",
            &usage_error("sample", &err.render().to_string(), None),
            &mut out,
        );
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn clap_errors_are_printed_as_labnet_usage_errors() {
        assert_eq!(
            usage_text(&["sample", "--timeout", "1e20", "x"]),
            "sample: error: invalid value '1e20' for '--timeout <SECS>': expected a number of \
             seconds from 0 to 60 (e.g. 2 or 0.5)\n  hint: sample --help shows every option, with examples\n"
        );
        let missing = usage_text(&["sample"]);
        assert!(
            missing.starts_with(
                "sample: error: the following required arguments were not provided: <TARGET>\n"
            ),
            "{missing}"
        );
        let typo = usage_text(&["sample", "--verbos", "x"]);
        assert!(
            typo.contains("\n  hint: a similar argument exists: '--verbose'\n"),
            "{typo}"
        );
    }

    #[test]
    fn no_color_counts_only_when_non_empty() {
        assert!(no_color_unset(None));
        assert!(no_color_unset(Some(OsStr::new(""))));
        assert!(!no_color_unset(Some(OsStr::new("1"))));
    }

    #[test]
    fn json_document_is_one_line_for_programs_and_indented_for_people() {
        let value = serde_json::json!({"hosts": ["brooklyn"]});
        let mut compact = Vec::new();
        write_json_styled(&mut compact, &value, false).unwrap();
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            "{\"hosts\":[\"brooklyn\"]}\n"
        );
        let mut pretty = Vec::new();
        write_json_styled(&mut pretty, &value, true).unwrap();
        let text = String::from_utf8(pretty).unwrap();
        assert!(
            text.contains("\n  \"hosts\"") && text.ends_with("}\n"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
