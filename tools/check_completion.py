#!/usr/bin/env python3
"""Drives the installed zsh and fish completion scripts as a person does: an interactive shell on
a pseudo-terminal, a partial command line typed, Tab pressed, and the listed candidates read off
the screen. (fish's `complete -C` cannot run argument-parser's custom completions, which ask the
line editor for the cursor, and zsh has no non-interactive way to call a completer.)

Usage: check_completion.py PREFIX CATALOG   (from the repository root)
  PREFIX   where `make install` put opcat (bin/opcat, share/zsh/..., share/fish/...)
  CATALOG  a catalog holding the bundled zoo (vgg11 … vgg19_bn, mobilenet_v1 … v3)

Checks, in each shell found on PATH: a model name (`opcat layers --db CATALOG vgg1<Tab>` lists the
eight VGG models), a family (`--family mobilenet_v<Tab>` lists three), and a file path
(`opcat count data/zoo/squeezenet1.<Tab>` lists both SqueezeNet files). Exits 1 naming what was
missing; prints which shells it skipped because they are not installed.
"""
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import sys
import termios
import tempfile
import time

CHECKS = [
    ("layers --db {db} vgg1", ["vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]),
    ("table --db {db} --family mobilenet_v", ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3"]),
    ("count data/zoo/squeezenet1.", ["squeezenet1.0-symbol.json", "squeezenet1.1-symbol.json"]),
]
ESCAPES = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][A-Z0-9]|[=>])")


def setup(shell, prefix, home):
    """The shell's argv and environment, with opcat's installed script the only completion added."""
    env = {"PATH": f"{prefix}/bin:/usr/bin:/bin", "HOME": home, "TERM": "xterm", "LANG": "C.UTF-8"}
    if shell == "zsh":
        with open(os.path.join(home, ".zshrc"), "w") as rc:
            rc.write(f"fpath=({prefix}/share/zsh/site-functions $fpath)\n"
                     "autoload -U compinit && compinit -u\nPROMPT='> '\n")
        env["ZDOTDIR"] = home
        return ["zsh", "-i"], env
    config = os.path.join(home, ".config", "fish")
    os.makedirs(config)
    with open(os.path.join(config, "config.fish"), "w") as rc:
        rc.write(f"set -g fish_greeting ''\nsource {prefix}/share/fish/vendor_completions.d/opcat.fish\n")
    return ["fish", "-i"], env


def offered(word, screen):
    """Whether `word` is among the candidates on the screen: as itself, as a path ending in it
    (fish lists whole paths), or with the typed prefix elided (fish's pager: "…bilenet_v1")."""
    return any(w == word or w.endswith("/" + word) or (w.startswith("…") and len(w) > 4 and word.endswith(w[1:]))
               for w in screen)


def complete(shell, prefix, line, expected, deadline=20.0):
    """The screen after typing `line` and Tab, once every expected word is on it (or the deadline)."""
    home = tempfile.mkdtemp(prefix=f"opcat-{shell}-")
    try:
        argv, env = setup(shell, prefix, home)
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(shutil.which(argv[0]), argv, env)
        # A wide terminal, so the candidates are listed in columns, not wrapped.
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 250, 0, 0))
        screen = b""

        def read_until(predicate, seconds):
            nonlocal screen
            end = time.time() + seconds
            while time.time() < end and not predicate(screen):
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    try:
                        screen += os.read(fd, 65536)
                    except OSError:
                        break

        read_until(lambda s: False, 1.0)  # let the shell draw its prompt
        start = len(screen)
        os.write(fd, line.encode() + b"\t")
        words = lambda s: set(re.split(r"\s+", ESCAPES.sub(b"", s[start:]).decode(errors="replace")))
        read_until(lambda s: all(offered(w, words(s)) for w in expected), deadline)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return words(screen)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    prefix, db = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failures, checked, skipped = [], [], []
    for shell in ["zsh", "fish"]:
        if shutil.which(shell) is None:
            skipped.append(shell)
            continue
        for template, expected in CHECKS:
            line = "opcat " + template.format(db=db)
            got = complete(shell, prefix, line, expected)
            missing = [w for w in expected if not offered(w, got)]
            if missing:
                failures.append(f"{shell}: '{line}<Tab>' did not offer {', '.join(missing)}")
        checked.append(shell)
    for failure in failures:
        print(f"check_completion: {failure}", file=sys.stderr)
    note = f"; skipped {', '.join(skipped)} (not installed)" if skipped else ""
    print(f"check_completion: {'FAILED' if failures else 'ok'} ({', '.join(checked) or 'no shell'} driven "
          f"through a terminal, {len(CHECKS)} lines each{note})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
