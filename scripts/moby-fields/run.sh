#!/bin/bash
# usage: run.sh TAG
set -e
t=$1
G="git -C /work/.mirror/moby+moby/repo"
R=/tmp/gp/$t/src/github.com/docker/docker
rm -rf /tmp/gp/$t; mkdir -p $R
paths="api"
for p in vendor errdefs internal image/spec; do $G cat-file -e $t:$p 2>/dev/null && paths="$paths $p"; done
$G cat-file -e $t:runconfig/config_unix.go 2>/dev/null && paths="$paths runconfig/config_unix.go"
$G archive $t $paths ":(exclude)vendor/github.com/mattn" | tar -x -C $R
python3 /tmp/fieldtool/gen.py $t $R >&2
cd $R/zzfields
GOPATH=/tmp/gp/$t GO111MODULE=off GOFLAGS= CGO_ENABLED=0 /usr/lib/go-1.19/bin/go run . > /tmp/fieldtool/out/$t.json
