#!/bin/sh
# check-zh-terms.sh SOURCE_ROOT
#
# Fails when po/zh_CN.po goes back to the terms the clerks and supervisors
# asked to drop, or gives two items of one menu the same access key:
# - 结存/库存, 出入库 and 负库存, never 余额, 库存移动 or 低于零;
# - the status "Resolved" is 已解决, not a time (解决时间);
# - urgency words differ from priority words, so "高" means one thing;
# - within each <menu> of a .ui file, no two labels share a mnemonic,
#   in English or in Chinese.
set -eu

top=${1:?usage: check-zh-terms.sh SOURCE_ROOT}
cd "$top"
po=po/zh_CN.po
status=0
fail() { echo "$*" >&2; status=1; }

# The translation of one message (no context, single line), "" if none.
translation() {
  awk -v id="msgid \"$1\"" '
    $0 == id { getline; if ($0 ~ /^msgstr "/) { sub(/^msgstr "/, ""); sub(/"$/, ""); print; exit } }' "$po"
}

# Live entries only: obsolete ones (#~) are not shown to anyone.
if grep -n '^msgstr.*\(余额\|库存移动\|低于零\)' "$po" >&2; then
  fail "$po: use 结存/库存, 出入库 and 负库存 instead of 余额, 库存移动 and 低于零"
fi

resolved=$(translation Resolved)
[ "$resolved" = "已解决" ] || fail "$po: the status Resolved is translated as “$resolved”, not 已解决"

priorities=$(awk '/^msgctxt "priority"/ { getline; getline; sub(/^msgstr "/, ""); sub(/"$/, ""); print }' "$po")
for id in "1 — Urgent" "2 — High" "3 — Normal" "4 — Low"; do
  word=$(translation "$id" | sed 's/^[0-9] — //')
  [ -n "$word" ] || fail "$po: “$id” is not translated"
  for priority in $priorities; do
    [ "$word" != "$priority" ] || fail "$po: urgency “$id” and a priority are both “$word”"
  done
done

# The access key of a label: the character after "_" (English), or inside
# "(_X)" (Chinese), in lower case.
mnemonic() { printf '%s\n' "$1" | sed -n 's/.*(_\(.\)).*/\1/p; t; s/[^_]*_\(.\).*/\1/p' | tr '[:upper:]' '[:lower:]'; }

for ui in $(find app -name '*.ui' | sort); do
  awk '/<menu /,/<\/menu>/ { if ($0 ~ /<\/menu>/) print "--"; else if ($0 ~ /name="label" translatable="yes"/) {
         sub(/.*translatable="yes">/, ""); sub(/<\/attribute>.*/, ""); print } }' "$ui" > menu-labels.$$
  seen_en='' seen_zh=''
  while IFS= read -r label; do
    if [ "$label" = "--" ]; then seen_en='' seen_zh=''; continue; fi
    case $label in *_*) ;; *) continue ;; esac
    en=$(mnemonic "$label")
    zh=$(mnemonic "$(translation "$label")")
    case " $seen_en " in *" $en "*) fail "$ui: “$label” repeats the access key $en" ;; esac
    case " $seen_zh " in *" $zh "*) [ -n "$zh" ] && fail "$ui: “$label” repeats the access key $zh in Chinese" ;; esac
    seen_en="$seen_en $en" seen_zh="$seen_zh $zh"
  done < menu-labels.$$
  rm -f menu-labels.$$
done

exit $status
