//! docs/cli.md and the command line clap builds agree: every subcommand and every long
//! option clap knows is in docs/cli.md, and every command of its "Commands at a glance" table
//! and every `--option` it mentions is one clap knows.

use super::Cli;
use clap::CommandFactory;
use std::collections::BTreeSet;

const DOC: &str = include_str!("../../../docs/cli.md");

/// Every subcommand as its path ("report leadership") and every long option, of the commands
/// not hidden (the developers' `bindings`); and the paths a positional word of a closed list
/// makes ("auth jira"), which docs/cli.md may name as commands.
struct ClapNames {
    commands: BTreeSet<String>,
    options: BTreeSet<String>,
    with_values: BTreeSet<String>,
}

fn clap_names() -> ClapNames {
    fn walk(cmd: &clap::Command, prefix: &str, n: &mut ClapNames) {
        let opts = &mut n.options;
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(l) = a.get_long() {
                opts.insert(format!("--{l}"));
            }
            if a.is_positional() {
                for v in a.get_possible_values() {
                    n.with_values.insert(format!("{prefix} {}", v.get_name()));
                }
            }
        }
        let subs = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help" && !s.is_hide_set());
        for sub in subs {
            let path = if prefix.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{prefix} {}", sub.get_name())
            };
            n.commands.insert(path.clone());
            walk(sub, &path, n);
        }
    }
    let mut n = ClapNames {
        commands: BTreeSet::new(),
        options: BTreeSet::new(),
        with_values: BTreeSet::new(),
    };
    // Built, so clap's own --help and --version are among the arguments.
    let mut cli = Cli::command();
    cli.build();
    walk(&cli, "", &mut n);
    n
}

/// The commands of the "Commands at a glance" table: the words of each backticked entry up
/// to its first argument or option, `a b/c` as `a b` and `a c`, with every prefix.
fn doc_commands() -> BTreeSet<String> {
    let table = DOC
        .split("## Commands at a glance")
        .nth(1)
        .expect("a Commands at a glance section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut out = BTreeSet::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let first = line.split('|').nth(1).unwrap();
        for entry in first.split('`').skip(1).step_by(2) {
            let words: Vec<&str> = entry
                .split_whitespace()
                .take_while(|w| !w.starts_with('-') && !w.chars().any(|c| c.is_ascii_uppercase()))
                .collect();
            let Some((last, head)) = words.split_last() else {
                continue;
            };
            for leaf in last.split('/') {
                let mut path: Vec<&str> = head.to_vec();
                path.push(leaf);
                for n in 1..=path.len() {
                    out.insert(path[..n].join(" "));
                }
            }
        }
    }
    out
}

/// Every `--option` docs/cli.md mentions.
fn doc_options() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = DOC.as_bytes();
    let mut i = 0;
    while let Some(at) = DOC[i..].find("--") {
        let start = i + at;
        let before = start.checked_sub(1).map(|p| bytes[p]);
        let mut end = start + 2;
        while end < bytes.len()
            && (bytes[end].is_ascii_lowercase()
                || bytes[end].is_ascii_digit()
                || bytes[end] == b'-')
        {
            end += 1;
        }
        let name = DOC[start..end].trim_end_matches('-');
        let word_start = before.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'-'));
        // `--add-*` names a family of options, spelled out elsewhere.
        let pattern = bytes.get(end) == Some(&b'*');
        if word_start && !pattern && name.len() > 2 && bytes[start + 2].is_ascii_lowercase() {
            out.insert(name.to_owned());
        }
        i = end.max(start + 2);
    }
    out
}

#[test]
fn every_command_and_option_clap_knows_is_in_docs_cli_md_and_no_other() {
    let ClapNames {
        commands: cmds,
        options: opts,
        with_values,
    } = clap_names();
    let documented = doc_commands();
    let undocumented: Vec<&String> = cmds.difference(&documented).collect();
    let unknown: Vec<&String> = documented
        .iter()
        .filter(|d| !cmds.contains(*d) && !with_values.contains(*d))
        .collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "commands clap knows but docs/cli.md's table does not: {undocumented:?}; in the table but not known to clap: {unknown:?}"
    );
    let mentioned = doc_options();
    let undocumented: Vec<&String> = opts.difference(&mentioned).collect();
    let unknown: Vec<&String> = mentioned.difference(&opts).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "options clap knows but docs/cli.md does not mention: {undocumented:?}; mentioned in docs/cli.md but not known to clap: {unknown:?}"
    );
    // The test reads what it should.
    assert!(cmds.contains("report leadership") && cmds.contains("people edit"));
    assert!(opts.contains("--kind") && opts.contains("--add-role") && opts.contains("--help"));
}
