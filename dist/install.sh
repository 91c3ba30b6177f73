#!/bin/sh
# Installs labnet's tools from this release directory, or removes them again.
#
#   sudo ./install.sh                  into /usr/local
#   ./install.sh --prefix ~/.local     anywhere else (no setcap without root)
#   sudo ./install.sh --uninstall      remove what an install put there
#
# Safe to run twice. webcapture gets cap_net_raw,cap_net_admin with setcap, so
# students capture packets without sudo.
set -eu

prefix=/usr/local
action=install
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
tools="lab-hosts nic-show sock-list hello-server hello-client webcapture"
bindir=$prefix/bin
mandir=$prefix/share/man/man1
bashdir=$prefix/share/bash-completion/completions
zshdir=$prefix/share/zsh/site-functions
fishdir=$prefix/share/fish/vendor_completions.d

if [ "$action" = uninstall ]; then
    for tool in $tools; do
        rm -f "$bindir/$tool" "$mandir/$tool.1" "$bashdir/$tool" "$zshdir/_$tool" "$fishdir/$tool.fish"
    done
    echo "labnet removed from $prefix"
    exit 0
fi

mkdir -p "$bindir" "$mandir" "$bashdir" "$zshdir" "$fishdir"
for tool in $tools; do
    # Copy to a temporary name and rename, so a running tool is never overwritten in place.
    cp "$here/bin/$tool" "$bindir/.$tool.new"
    chmod 755 "$bindir/.$tool.new"
    mv -f "$bindir/.$tool.new" "$bindir/$tool"
    cp "$here/man/man1/$tool.1" "$mandir/$tool.1"
    cp "$here/completions/$tool.bash" "$bashdir/$tool"
    cp "$here/completions/_$tool" "$zshdir/_$tool"
    cp "$here/completions/$tool.fish" "$fishdir/$tool.fish"
done
echo "labnet installed into $prefix ($tools)"

if [ "$(id -u)" -ne 0 ]; then
    echo "not root: webcapture gets no capabilities; capture with sudo, or rerun this as root"
elif command -v setcap >/dev/null 2>&1; then
    setcap cap_net_raw,cap_net_admin+ep "$bindir/webcapture"
    echo "webcapture may capture packets without sudo (setcap cap_net_raw,cap_net_admin+ep)"
else
    echo "setcap is missing (apt install libcap2-bin): webcapture needs sudo to capture until then"
fi
