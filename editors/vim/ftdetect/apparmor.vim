" AppArmor policy gets the apparmor filetype: files in a policy directory (/etc/apparmor.d or
" any apparmor.d) but the dotfiles and README AppArmor skips, and *.apparmor, whatever else
" matched before; files under abstractions/ or tunables/ folders when nothing else did.
autocmd BufNewFile,BufRead */apparmor.d/*,*.apparmor
      \ if expand('<afile>:t') !~# '^\.\|^README$' | set filetype=apparmor | endif
autocmd BufNewFile,BufRead */abstractions/*,*/tunables/* setfiletype apparmor
