# Prints the completions zsh offers for a command line, one per line, as a user's TAB would
# produce them: a real interactive zsh in a pseudo-terminal (zpty), with compinit and the
# completion functions in $1, and compadd wrapped to print what it is given.
#
# Usage: zsh -f capture.zsh FPATH_DIR 'dis-price table --f'
zmodload zsh/zpty || { print -u2 'zsh/zpty is missing'; exit 3 }
fpath_dir=$1
line=$2
init=$(mktemp)
cat > $init <<INIT
PROMPT=
fpath=($fpath_dir \$fpath)
autoload -Uz compinit
compinit -u -D
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
null-line() { echo -E - \$'\\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
compadd() {
  # Calls that only collect (-O, -A, -D) are internal to the completion system: pass them on.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
    builtin compadd "\$@"
    return \$?
  fi
  typeset -a __hits
  builtin compadd -A __hits "\$@"
  local h
  for h in \$__hits; do echo -E - "<\$h>"; done
}
echo ready
INIT
zpty z zsh -f -i
zpty -w z "source $init"
local out
repeat 20; do
  zpty -r z out
  [[ $out == ready* ]] && break
done
rm -f $init
zpty -w z "$line"$'\t'
integer between=0
while zpty -r z out; do
  if [[ $out == *$'\0'* ]]; then
    (( between++ ))
    (( between == 2 )) && break
    continue
  fi
  (( between == 1 )) && [[ $out == *'<'*'>'* ]] && print -r -- ${${out#*<}%>*}
done
zpty -d z
