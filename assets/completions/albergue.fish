# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_albergue_global_optspecs
    string join \n db= demo key-file= lang= theme= low-bandwidth as-user= now= log-level= h/help V/version
end

function __fish_albergue_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_albergue_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_albergue_using_subcommand
    set -l cmd (__fish_albergue_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c albergue -n "__fish_albergue_needs_command" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_needs_command" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_needs_command" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_needs_command" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_needs_command" -l as-user -d 'The dashboard as user NAME of `albergue serve` sees it: their role and shelters (the database\'s owner checking what a user sees; what is saved is audited as the owner)' -r
complete -c albergue -n "__fish_albergue_needs_command" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_needs_command" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_needs_command" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_needs_command" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_needs_command" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_needs_command" -s V -l version -d 'Print version'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "demo" -d 'Fill a new database with realistic, deterministic demo data'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "check" -d 'Check the database: SQLite integrity, schema version, row counts, and the tallies and search index against a recount of the rows'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "export" -d 'Export everything into a dated folder (for the nightly job)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "import" -d 'Import a roster from a spreadsheet (CSV), or an export folder'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "backup" -d 'Back up the database with SQLite\'s online backup API, and verify the copy'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "encrypt" -d 'Encrypt a plaintext database with the key of --key-file (SQLCipher)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "rekey" -d 'Give an encrypted database a new key (the old one from --key-file)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "serve" -d 'Serve the dashboard over SSH to the registered users (no shell accounts)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "users" -d 'Manage who may connect to `albergue serve`'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "transfers" -d 'Move households between the shelters of a network, with a hand-over'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "shelters" -d 'Shelters and their beds by section'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "report" -d 'Reports for the authorities (counts only, no one\'s details)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "programs" -d 'Appointment programs: CBP One, COMAR, visas, returns, a shelter\'s own'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "cases" -d 'Cases in the programs kept as files (COMAR, visas, returns, a shelter\'s own): open one, record its steps, see what is due'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "list" -d 'Print lists to take along (tomorrow\'s appointments at every venue)'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "port" -d 'Copy the database into an empty PostgreSQL one, and verify the copy'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "audit" -d 'The tamper-evident audit trail'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "retention" -d 'Keep people\'s details no longer than needed'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "person" -d 'What albergue holds on one person'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "key" -d 'Keys albergue uses'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "completions" -d 'Print Tab completions for a shell'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "man" -d 'Print the manual page (roff), as `man albergue` shows it'
complete -c albergue -n "__fish_albergue_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l people -d 'How many people (1 to 2,000,000)' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l seed -d 'Seed: the same seed and clock give the same roster' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l programs -d 'Also people in these programs (ids, comma-separated: comar,tvrh,iom-return)' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand demo" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand check" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand check" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand check" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand check" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand check" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand check" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand check" -l repair -d 'Count the tallies and build the search index again from the rows when they differ (say, after another tool changed them). The rows themselves are never changed'
complete -c albergue -n "__fish_albergue_using_subcommand check" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand check" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand export" -l out -d 'Folder that holds the dated export folders (created 0700 if missing)' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand export" -l format -d 'csv, json (JSON Lines) or both' -r -f -a "csv\t'CSV (RFC 4180, UTF-8, header row)'
json\t'JSON Lines'
both\t'Both'"
complete -c albergue -n "__fish_albergue_using_subcommand export" -l keep -d 'Then remove all but the newest N dated folders albergue made' -r
complete -c albergue -n "__fish_albergue_using_subcommand export" -l recipients -d 'Encrypt every file with age to the recipients in FILE (age1… keys, ssh-ed25519 / ssh-rsa public keys, one a line); nothing plaintext is written. Open with `age -d -i ~/.ssh/id_ed25519 FILE.age`' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand export" -l sign-with -d 'Sign manifest.json with this OpenSSH private key (manifest.json.sig, as `ssh-keygen -Y sign -n albergue-manifest` would); make one with `albergue key new --signing --out FILE`' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand export" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand export" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand export" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand export" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand export" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand export" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand export" -l redact -d 'Leave out phones, notes and addresses; birth year only; names replaced by ids'
complete -c albergue -n "__fish_albergue_using_subcommand export" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand export" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand import" -l shelter -d 'The shelter the people stay at (name or city) [default: the first]' -r
complete -c albergue -n "__fish_albergue_using_subcommand import" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand import" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand import" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand import" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand import" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand import" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand import" -l dry-run -d 'Only check and report; change nothing'
complete -c albergue -n "__fish_albergue_using_subcommand import" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand import" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l out -d 'The backup file to create' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand backup" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l new-key-file -d 'The new key (made by `albergue key new --out FILE`)' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand rekey" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l listen -d 'Address and port to listen on' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l host-key -d 'The host key [default: albergue-host-key beside the database]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l grace -d 'Seconds a connection may take to start the dashboard' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l per-address -d 'Connections at once from one address' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l max-connections -d 'Connections at once in all' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l idle-lock -d 'Minutes without a key before a session is locked (ended; connect again)' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l max-session -d 'Hours a session may last' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l idle-lock-secs -d 'Seconds (instead of minutes) for --idle-lock, for tests' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l keepalive-secs -d 'Seconds between keepalives to a silent client (three unanswered end its connection), for tests' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand serve" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "add" -d 'Register a person with their public key and a role'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "list" -d 'List the users, their roles, shelters and key fingerprints'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "set-shelters" -d 'Give a user other shelters, or the whole network (their live sessions end; they connect again seeing the new ones)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "remove" -d 'Remove a user: their key no longer connects, and their live sessions end within a second'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "kick" -d 'End a user\'s live sessions now (a lost or stolen phone); their key still connects: remove the user to stop that too'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "set-role" -d 'Give a user another role (their live sessions end; they connect again in the new one)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "set-lang" -d 'Set the language a user\'s dashboard speaks (wins over their ssh client\'s LANG)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and not __fish_seen_subcommand_from add list set-shelters remove kick set-role set-lang help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l role -d 'volunteer, coordinator or admin' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l key -d 'Their public key file (OpenSSH, e.g. id_ed25519.pub)' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l shelter -d 'A shelter they see and change (its name or city; repeat for more)' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l network -d 'Every shelter of the network (a network coordinator or admin)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l shelter -d 'A shelter they see and change (its name or city; repeat for more)' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l network -d 'Every shelter of the network (a network coordinator or admin)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-shelters" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from kick" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-role" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from set-lang" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "add" -d 'Register a person with their public key and a role'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the users, their roles, shelters and key fingerprints'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "set-shelters" -d 'Give a user other shelters, or the whole network (their live sessions end; they connect again seeing the new ones)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a user: their key no longer connects, and their live sessions end within a second'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "kick" -d 'End a user\'s live sessions now (a lost or stolen phone); their key still connects: remove the user to stop that too'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "set-role" -d 'Give a user another role (their live sessions end; they connect again in the new one)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "set-lang" -d 'Set the language a user\'s dashboard speaks (wins over their ssh client\'s LANG)'
complete -c albergue -n "__fish_albergue_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "list" -d 'Every transfer: number, household, from, to, people, status, dates'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "request" -d 'Ask for a household to move to another shelter (the person agreed)'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "accept" -d 'The receiving shelter takes the household in: it moves now'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "decline" -d 'The receiving shelter cannot take them: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "cancel" -d 'The sending shelter withdraws the request: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and not __fish_seen_subcommand_from list request accept decline cancel help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l to -d 'The receiving shelter (its name or city)' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l consent-asked-by -d 'Who asked the person, and recorded that they agreed' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l consent-given -d 'Say that the person gave their consent (required: no transfer is recorded without it)'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from request" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from accept" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l reason -d 'Why (kept with the transfer)' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from decline" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l reason -d 'Why (kept with the transfer)' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every transfer: number, household, from, to, people, status, dates'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "request" -d 'Ask for a household to move to another shelter (the person agreed)'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "accept" -d 'The receiving shelter takes the household in: it moves now'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "decline" -d 'The receiving shelter cannot take them: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'The sending shelter withdraws the request: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand transfers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -f -a "list" -d 'Each shelter with its sections: beds, occupied, free'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -f -a "set-capacity" -d 'Set the beds of a shelter\'s sections (a new name adds a section; 0 beds closes one)'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and not __fish_seen_subcommand_from list set-capacity help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l section -d 'A section and its beds, as NAME=BEDS (families=120); repeat for each section' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from set-capacity" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from help" -f -a "list" -d 'Each shelter with its sections: beds, occupied, free'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from help" -f -a "set-capacity" -d 'Set the beds of a shelter\'s sections (a new name adds a section; 0 beds closes one)'
complete -c albergue -n "__fish_albergue_using_subcommand shelters; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -f -a "headcount" -d 'People present at the start and end of a period, arrivals, departures by kind, transfers in and out, people served by sex × age group and by nationality, and occupancy by section: for each shelter and all of them (each person counted once)'
complete -c albergue -n "__fish_albergue_using_subcommand report; and not __fish_seen_subcommand_from headcount help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l from -d 'First day (YYYY-MM-DD)' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l to -d 'Last day (YYYY-MM-DD), included' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l shelter -d 'Only this shelter (its name or city)' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l format -d 'text, csv or html (one page per shelter, bar charts)' -r -f -a "text\t'Plain text, 80 columns'
csv\t'CSV (RFC 4180, UTF-8, header row): one figure per row'
html\t'HTML to print: one page per shelter, with bar charts'"
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l out -d 'Write to FILE (created 0600, replaced whole) instead of standard output' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l suppress-small -d 'Show counts of 1 to 4 as "<5"'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from headcount" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "headcount" -d 'People present at the start and end of a period, arrivals, departures by kind, transfers in and out, people served by sex × age group and by nationality, and occupancy by section: for each shelter and all of them (each person counted once)'
complete -c albergue -n "__fish_albergue_using_subcommand report; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -f -a "list" -d 'Every program albergue knows: id, name, file, venues, steps and rules'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -f -a "check" -d 'Check a program file, loading nothing: a problem is named by FILE:LINE and its field, and exits 1'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and not __fish_seen_subcommand_from list check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every program albergue knows: id, name, file, venues, steps and rules'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check a program file, loading nothing: a problem is named by FILE:LINE and its field, and exits 1'
complete -c albergue -n "__fish_albergue_using_subcommand programs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -f -a "list" -d 'The cases of your shelters: what each must do next, and by when'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -f -a "open" -d 'Open a case: a household (or one person of it) in a program at one of its venues'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -f -a "step" -d 'Record that a step happened (a COMAR signature, say)'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -f -a "close" -d 'Close a case (finished, or given up): nothing of it falls due'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and not __fish_seen_subcommand_from list open step close help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l all -d 'Closed cases too'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l program -d 'The program\'s id (`albergue programs list`)' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l venue -d 'A venue code of the program' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l household -d 'The household' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l person -d 'One person of it (without: the household\'s case)' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l reference -d 'A number the program gave (claim, visa)' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l scheduled -d 'The appointment\'s date and time, in the venue\'s time (YYYY-MM-DD HH:MM)' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l event -d 'What already happened: STEP=WHEN (WHEN as YYYY-MM-DD or YYYY-MM-DD HH:MM in the venue\'s time), repeatable' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from open" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l at -d 'When, in the venue\'s time (YYYY-MM-DD or YYYY-MM-DD HH:MM) [default: now]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l note -d 'A note (kept with the step, never in the audit trail)' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from step" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from help" -f -a "list" -d 'The cases of your shelters: what each must do next, and by when'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from help" -f -a "open" -d 'Open a case: a household (or one person of it) in a program at one of its venues'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from help" -f -a "step" -d 'Record that a step happened (a COMAR signature, say)'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from help" -f -a "close" -d 'Close a case (finished, or given up): nothing of it falls due'
complete -c albergue -n "__fish_albergue_using_subcommand cases; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -f -a "appointments" -d 'Who goes to each venue on a day: households, people, numbers and destinations, a box to tick for each (`departures` is its old name)'
complete -c albergue -n "__fish_albergue_using_subcommand list; and not __fish_seen_subcommand_from appointments help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l date -d 'today, tomorrow, or a date (2024-05-23 or 23/05/2024)' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l venue -d 'Only this venue: a port\'s code (SYS, CXL, NOG, ELP, EGP, LRD, HID, BRO) or a program\'s venue (`albergue programs list`)' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l shelter -d 'Only the households of this shelter (name or city)' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l format -d 'text, csv or html' -r -f -a "text\t'Plain text, 80 columns, a box to tick per person'
csv\t'CSV (RFC 4180, UTF-8, header row), one row per traveller'
html\t'HTML to print: one page per port'"
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l out -d 'Write to FILE (created 0600, replaced whole) instead of standard output' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from appointments" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "appointments" -d 'Who goes to each venue on a day: households, people, numbers and destinations, a box to tick for each (`departures` is its old name)'
complete -c albergue -n "__fish_albergue_using_subcommand list; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand port" -l to -d 'The PostgreSQL database: postgres://USER@HOST/DB, or libpq\'s words (host=… dbname=…); PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE fill what it leaves out' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l batch -d 'Rows copied in one transaction' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l pause -d 'Milliseconds to wait after each batch (a port beside a busy server)' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l grant -d 'A role to give what albergue needs on the tables (not their owner; made first with `createuser ROLE`)' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand port" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand port" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand port" -l verify -d 'Only compare a ported database with this one (copies nothing)'
complete -c albergue -n "__fish_albergue_using_subcommand port" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand port" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand port" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "verify" -d 'Check the database\'s audit chain against an earlier export\'s manifest'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and not __fish_seen_subcommand_from verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l manifest -d 'manifest.json of an earlier `albergue export`' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l signer -d 'The public key (.pub) the manifest must be signed with' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the database\'s audit chain against an earlier export\'s manifest'
complete -c albergue -n "__fish_albergue_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Anonymise people who left more than a period ago, delete old drafts'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l after -d 'The period: 90d, 13w, 1y' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l dry-run -d 'Only count what would change'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from help" -f -a "run" -d 'Anonymise people who left more than a period ago, delete old drafts'
complete -c albergue -n "__fish_albergue_using_subcommand retention; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -f -a "export" -d 'Everything held on one person, for them to see (data-subject access)'
complete -c albergue -n "__fish_albergue_using_subcommand person; and not __fish_seen_subcommand_from export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l format -d 'json or text' -r -f -a "json\t'JSON, one document'
text\t'Text, a `key: value` a line'"
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l out -d 'Write to FILE (created 0600; never replaces a file)' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l recipients -d 'Encrypt it with age to the recipients in FILE (as for `export`)' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from help" -f -a "export" -d 'Everything held on one person, for them to see (data-subject access)'
complete -c albergue -n "__fish_albergue_using_subcommand person; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -f -a "new" -d 'Make a database key, or with --signing a key to sign export manifests'
complete -c albergue -n "__fish_albergue_using_subcommand key; and not __fish_seen_subcommand_from new help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l out -d 'The private key file to create' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l signing -d 'A signing key (for manifests) instead of a database key'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "new" -d 'Make a database key, or with --signing a key to sign export manifests'
complete -c albergue -n "__fish_albergue_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand completions" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c albergue -n "__fish_albergue_using_subcommand man" -l db -d 'Database file [default: the data folder\'s albergue/albergue.db]' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand man" -l key-file -d 'The database\'s key (made by `albergue key new --out FILE`; mode 0400 or 0600, yours). $CREDENTIALS_DIRECTORY/albergue-db-key, from systemd\'s LoadCredential=, comes first. Without a key the database is plaintext' -r -F
complete -c albergue -n "__fish_albergue_using_subcommand man" -l lang -d 'Interface language: en or es [default: config file, then LANG]' -r
complete -c albergue -n "__fish_albergue_using_subcommand man" -l theme -d 'Colours: color or mono [default: config file; NO_COLOR selects mono]' -r
complete -c albergue -n "__fish_albergue_using_subcommand man" -l now -d 'Pretend it is this moment (RFC 3339); the dashboard\'s clock stands still' -r
complete -c albergue -n "__fish_albergue_using_subcommand man" -l log-level -d 'Log level (error, warn, info, debug, trace, off) or targets (albergue::serve=debug,info) [default: RUST_LOG, then info]' -r
complete -c albergue -n "__fish_albergue_using_subcommand man" -l demo -d 'Use the demo database (albergue/demo.db in the data folder), creating it if needed'
complete -c albergue -n "__fish_albergue_using_subcommand man" -l low-bandwidth -d 'For slow links: monochrome, no charts, selection shown by a marker'
complete -c albergue -n "__fish_albergue_using_subcommand man" -s h -l help -d 'Print help'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "demo" -d 'Fill a new database with realistic, deterministic demo data'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "check" -d 'Check the database: SQLite integrity, schema version, row counts, and the tallies and search index against a recount of the rows'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "export" -d 'Export everything into a dated folder (for the nightly job)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "import" -d 'Import a roster from a spreadsheet (CSV), or an export folder'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "backup" -d 'Back up the database with SQLite\'s online backup API, and verify the copy'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "encrypt" -d 'Encrypt a plaintext database with the key of --key-file (SQLCipher)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "rekey" -d 'Give an encrypted database a new key (the old one from --key-file)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "serve" -d 'Serve the dashboard over SSH to the registered users (no shell accounts)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "users" -d 'Manage who may connect to `albergue serve`'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "transfers" -d 'Move households between the shelters of a network, with a hand-over'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "shelters" -d 'Shelters and their beds by section'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "report" -d 'Reports for the authorities (counts only, no one\'s details)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "programs" -d 'Appointment programs: CBP One, COMAR, visas, returns, a shelter\'s own'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "cases" -d 'Cases in the programs kept as files (COMAR, visas, returns, a shelter\'s own): open one, record its steps, see what is due'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "list" -d 'Print lists to take along (tomorrow\'s appointments at every venue)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "port" -d 'Copy the database into an empty PostgreSQL one, and verify the copy'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "audit" -d 'The tamper-evident audit trail'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "retention" -d 'Keep people\'s details no longer than needed'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "person" -d 'What albergue holds on one person'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "key" -d 'Keys albergue uses'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "completions" -d 'Print Tab completions for a shell'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "man" -d 'Print the manual page (roff), as `man albergue` shows it'
complete -c albergue -n "__fish_albergue_using_subcommand help; and not __fish_seen_subcommand_from demo check export import backup encrypt rekey serve users transfers shelters report programs cases list port audit retention person key completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "add" -d 'Register a person with their public key and a role'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'List the users, their roles, shelters and key fingerprints'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "set-shelters" -d 'Give a user other shelters, or the whole network (their live sessions end; they connect again seeing the new ones)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "remove" -d 'Remove a user: their key no longer connects, and their live sessions end within a second'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "kick" -d 'End a user\'s live sessions now (a lost or stolen phone); their key still connects: remove the user to stop that too'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "set-role" -d 'Give a user another role (their live sessions end; they connect again in the new one)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "set-lang" -d 'Set the language a user\'s dashboard speaks (wins over their ssh client\'s LANG)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from transfers" -f -a "list" -d 'Every transfer: number, household, from, to, people, status, dates'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from transfers" -f -a "request" -d 'Ask for a household to move to another shelter (the person agreed)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from transfers" -f -a "accept" -d 'The receiving shelter takes the household in: it moves now'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from transfers" -f -a "decline" -d 'The receiving shelter cannot take them: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from transfers" -f -a "cancel" -d 'The sending shelter withdraws the request: nothing moves'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from shelters" -f -a "list" -d 'Each shelter with its sections: beds, occupied, free'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from shelters" -f -a "set-capacity" -d 'Set the beds of a shelter\'s sections (a new name adds a section; 0 beds closes one)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from report" -f -a "headcount" -d 'People present at the start and end of a period, arrivals, departures by kind, transfers in and out, people served by sex × age group and by nationality, and occupancy by section: for each shelter and all of them (each person counted once)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from programs" -f -a "list" -d 'Every program albergue knows: id, name, file, venues, steps and rules'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from programs" -f -a "check" -d 'Check a program file, loading nothing: a problem is named by FILE:LINE and its field, and exits 1'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from cases" -f -a "list" -d 'The cases of your shelters: what each must do next, and by when'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from cases" -f -a "open" -d 'Open a case: a household (or one person of it) in a program at one of its venues'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from cases" -f -a "step" -d 'Record that a step happened (a COMAR signature, say)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from cases" -f -a "close" -d 'Close a case (finished, or given up): nothing of it falls due'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from list" -f -a "appointments" -d 'Who goes to each venue on a day: households, people, numbers and destinations, a box to tick for each (`departures` is its old name)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the database\'s audit chain against an earlier export\'s manifest'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from retention" -f -a "run" -d 'Anonymise people who left more than a period ago, delete old drafts'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from person" -f -a "export" -d 'Everything held on one person, for them to see (data-subject access)'
complete -c albergue -n "__fish_albergue_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "new" -d 'Make a database key, or with --signing a key to sign export manifests'
