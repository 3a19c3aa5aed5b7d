; Folding ranges: every brace block, and the rules that span several lines.
;
; A block is the body of a profile, a hat or a child profile, a qualifier block such as
; `audit { }` or `owner { }`, or a branch of an `if`.  Rules are folded too, since long dbus,
; mount and network rules are often written one conditional per line; a rule on one line
; gives an empty fold, which editors ignore.

(block) @fold

(_rule) @fold
