"""`steward exec` under a real pseudo-terminal, driven through an interactive bash with job control.

Usage: exec_on_terminal.py STEWARD. Prints one `ok: ...` line per step; exits non-zero at the first
step that does not happen within its deadline (pexpect raises TIMEOUT or EOF).
"""
import sys

import pexpect

steward = sys.argv[1]
shell = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], encoding="utf-8", timeout=15,
                      env={"PS1": "PROMPT$ ", "PATH": "/usr/bin:/bin", "TERM": "dumb"})
prompt = r"PROMPT\$ "
shell.expect(prompt)

# An interactive child reads the terminal: it must be in the terminal's foreground group.
# Each child says when it runs before anything is typed for it: typed earlier, the line could be
# read by the shell's line editor instead (typeahead while a loaded machine starts the job).
shell.sendline(steward + " exec -- sh -c 'echo read""y; read line; echo got:$line'")
shell.expect("ready")
shell.sendline("hello")
shell.expect("got:hello")
shell.expect(prompt)
print("ok: the child read its input")

# Ctrl-Z stops the job (the shell says so and gets the terminal back); fg continues it, and the
# child reads the terminal again.
shell.sendline(steward + " exec -- sh -c 'echo read""y; exec cat'")
shell.expect("ready")
shell.sendline("one")
shell.expect("one\r\n.*one")
shell.sendcontrol("z")
shell.expect("Stopped")
shell.expect(prompt)
print("ok: Ctrl-Z stopped the job")
shell.sendline("fg")
shell.sendline("two")
shell.expect("two\r\n.*two")
print("ok: fg continued it with the terminal")

# Ctrl-Z, then bg: the job runs in the background; cat's read stops it (SIGTTIN) without taking
# the terminal from the shell, which still answers; fg brings it back with the terminal.
shell.sendcontrol("z")
shell.expect("Stopped")
shell.expect(prompt)
shell.sendline("bg")
shell.expect(prompt)
shell.sendline("echo shell-still-here")
shell.expect("shell-still-here")
shell.expect(prompt)
shell.sendline("fg")
shell.sendline("three")
shell.expect("three\r\n.*three")
print("ok: bg left the terminal to the shell; fg gave it back to the child")
shell.sendcontrol("d")
shell.expect(prompt)
shell.sendline("echo status=$?")
shell.expect("status=0")
print("ok: exit status 0, the terminal is the shell's again")
shell.sendline("exit")
shell.expect(pexpect.EOF)
