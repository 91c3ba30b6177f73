#!/bin/sh
# Installs labnet's tools from this release directory, or removes them again.
#
#   sudo ./install.sh                  into /usr/local
#   ./install.sh --prefix ~/.local     anywhere else (no setcap without root)
#   sudo ./install.sh --group NAME     who may capture: members of NAME
#   sudo ./install.sh --all-users      every local user may capture
#   sudo ./install.sh --uninstall      remove what an install put there
#
# Safe to run twice. As Wireshark's dumpcap: webcapture gets cap_net_raw,cap_net_admin
# with setcap, and only members of a group may run it (root:GROUP, mode 0750): the
# existing pcap or wireshark group, else a new labnet group. Add a student with
# `sudo usermod -aG GROUP STUDENT` (effective at their next login).
set -eu

prefix=/usr/local
action=install
group=
all_users=no
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --group) [ $# -ge 2 ] || { echo "install.sh: --group needs a group name" >&2; exit 2; }
                 group=$2; shift 2 ;;
        --group=*) group=${1#--group=}; shift ;;
        --all-users) all_users=yes; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done

if [ -n "$group" ] && [ "$all_users" = yes ]; then
    echo "install.sh: --group and --all-users exclude each other" >&2
    exit 2
fi
case "$group" in
    *[!A-Za-z0-9_-]*|-*) echo "install.sh: $group is not a group name" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
# The tools are what the release holds in bin/ (xtask puts labnet::tools::TOOLS there).
tools=$(cd "$here/bin" 2>/dev/null && ls) || {
    echo "install.sh: no bin/ beside it: run it from the unpacked release" >&2
    exit 1
}
bindir=$prefix/bin
mandir=$prefix/share/man/man1
bashdir=$prefix/share/bash-completion/completions
zshdir=$prefix/share/zsh/site-functions
fishdir=$prefix/share/fish/vendor_completions.d

if [ "$action" = uninstall ]; then
    for tool in $tools; do
        rm -f "$bindir/$tool" "$mandir/$tool.1" "$mandir/$tool"-*.1 "$bashdir/$tool" "$zshdir/_$tool" "$fishdir/$tool.fish"
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
    # The tool's page, and its subcommands' (lab-hosts-up.1, ...).
    for page in "$here/man/man1/$tool.1" "$here/man/man1/$tool"-*.1; do
        [ -f "$page" ] && cp "$page" "$mandir/"
    done
    cp "$here/completions/$tool.bash" "$bashdir/$tool"
    cp "$here/completions/_$tool" "$zshdir/_$tool"
    cp "$here/completions/$tool.fish" "$fishdir/$tool.fish"
done
echo "labnet installed into $prefix ($tools)"

if [ "$(id -u)" -ne 0 ]; then
    echo "not root: webcapture gets no capabilities; capture with sudo, or rerun this as root"
    exit 0
fi
if ! command -v setcap >/dev/null 2>&1; then
    echo "setcap is missing (apt install libcap2-bin): webcapture needs sudo to capture until then"
    exit 0
fi

# Whether a group of that name exists (getent where there is one, else /etc/group).
group_exists() {
    if command -v getent >/dev/null 2>&1; then
        getent group "$1" >/dev/null 2>&1
    else
        grep -q "^$1:" /etc/group
    fi
}

webcapture=$bindir/webcapture
if [ "$all_users" = yes ]; then
    chown root:root "$webcapture"
    chmod 755 "$webcapture"
    setcap cap_net_raw,cap_net_admin+ep "$webcapture"
    echo "webcapture may capture packets without sudo, for every local user (setcap cap_net_raw,cap_net_admin+ep)"
    exit 0
fi
if [ -z "$group" ]; then
    for candidate in pcap wireshark labnet; do
        group=$candidate
        group_exists "$candidate" && break
    done
fi
if ! group_exists "$group"; then
    if command -v groupadd >/dev/null 2>&1; then
        groupadd --system "$group"
    elif command -v addgroup >/dev/null 2>&1; then
        addgroup -S "$group"
    else
        echo "install.sh: cannot create group $group (no groupadd or addgroup); create it and rerun" >&2
        exit 1
    fi
    echo "created group $group"
fi
# chown drops file capabilities, so the capabilities come last.
chown "root:$group" "$webcapture"
chmod 750 "$webcapture"
setcap cap_net_raw,cap_net_admin+ep "$webcapture"
echo "webcapture may capture packets without sudo, for members of group $group (root:$group, mode 0750, cap_net_raw,cap_net_admin)"
echo "add a student: sudo usermod -aG $group STUDENT (effective at their next login); every user: rerun with --all-users"
