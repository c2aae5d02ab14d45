//! The documents made from the command line's definition: the manual
//! page (`albergue man`) and the shell completions.

use anyhow::Result;
use clap::CommandFactory;

use super::{Cli, Shell};
use crate::manual;

/// `albergue completions SHELL`.
pub(super) fn completions(shell: Shell) -> Result<u8> {
    manual::completions(
        Cli::command(),
        complete(shell),
        &mut std::io::stdout().lock(),
    )?;
    Ok(0)
}

/// `albergue man`.
pub(super) fn man_page() -> Result<u8> {
    manual::man_page(Cli::command(), &mut std::io::stdout().lock())?;
    Ok(0)
}

fn complete(shell: Shell) -> clap_complete::Shell {
    match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manual;

    fn page() -> String {
        let mut out = Vec::new();
        manual::man_page(Cli::command(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_page_documents_every_command_and_option() {
        let page = page();
        let cmd = Cli::command();
        let mut missing = Vec::new();
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let subs: Vec<&clap::Command> = if sub.has_subcommands() {
                sub.get_subcommands().collect()
            } else {
                vec![sub]
            };
            for leaf in subs {
                let name = if std::ptr::eq(leaf, sub) {
                    format!(".SS \"albergue {}\"", sub.get_name())
                } else {
                    format!(".SS \"albergue {} {}\"", sub.get_name(), leaf.get_name())
                };
                if !page.contains(&name) {
                    missing.push(name);
                }
                for arg in leaf.get_arguments().filter(|a| !a.is_hide_set()) {
                    if let Some(long) = arg.get_long() {
                        // roff escapes the dashes of options.
                        let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                        if !page.contains(&flag) {
                            missing.push(format!("{} {flag}", leaf.get_name()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "not in the man page: {missing:?}");
        for section in ["ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO"] {
            assert!(
                page.contains(&format!(".SH \"{section}\""))
                    || page.contains(&format!(".SH {section}")),
                "{section}"
            );
        }
        assert!(page.contains("ALBERGUE_DB") && page.contains("143"));
    }

    #[test]
    fn completions_name_the_subcommands_in_every_shell() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            manual::completions(Cli::command(), complete(shell), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            for sub in ["export", "serve", "users", "set-role"] {
                assert!(text.contains(sub), "{shell:?} lacks {sub}");
            }
        }
    }
}
