" One headless Vim session with ALE for tests/editors/test_vim.py.
"
" Vim runs as `vim -N -u NONE -i NONE -es -S vim_session.vim`, so this script does what the
" README's vimrc lines do: editors/vim on the runtimepath, ALE added, filetype detection on.
" It checks the filetype of each probe path, opens the profile, lets ALE start the server,
" waits for the diagnostics and shows the hover at `Px` in the preview window.  Channel
" callbacks run during :sleep, which is how it waits.  What it saw is written as JSON to
" $ARMORSMITH_TEST_OUT.

let s:result = {}
let s:timeout = str2nr($ARMORSMITH_TEST_TIMEOUT)

function! s:Wait(milliseconds, condition) abort
    let l:waited = 0
    while !eval(a:condition) && l:waited < a:milliseconds
        sleep 20m
        let l:waited += 20
    endwhile
    return eval(a:condition)
endfunction

function! s:Loclist() abort
    return get(get(g:ale_buffer_info, bufnr(''), {}), 'loclist', [])
endfunction

function! s:Diagnostics() abort
    return map(copy(s:Loclist()), {_, d -> {
    \   'line': d.lnum - 1, 'col': d.col - 1, 'type': d.type,
    \   'code': get(d, 'code', ''), 'text': d.text, 'linter': d.linter_name}})
endfunction

function! s:Preview() abort
    for l:window in range(1, winnr('$'))
        if getwinvar(l:window, '&previewwindow')
            return getbufline(winbufnr(l:window), 1, '$')
        endif
    endfor
    return []
endfunction

function! s:Run() abort
    execute 'set runtimepath^=' . fnameescape($ARMORSMITH_TEST_PLUGIN)
    filetype plugin on

    let s:result.filetypes = {}
    for l:path in split($ARMORSMITH_TEST_PROBES, "\n")
        execute 'silent edit ' . fnameescape(l:path)
        let s:result.filetypes[l:path] = &filetype
        bwipeout!
    endfor

    packadd ale
    let g:ale_apparmor_armorsmith_config = {'armorsmith': {
    \   'includePaths': [$ARMORSMITH_TEST_INCLUDE], 'index': {'enabled': v:false}}}
    let g:ale_hover_to_preview = 1

    execute 'edit ' . fnameescape($ARMORSMITH_TEST_PROFILE)
    let s:result.filetype = &filetype
    let s:result.linters = map(ale#linter#Get(&filetype), 'v:val.name')
    ALELint
    call s:Wait(s:timeout, 'len(s:Loclist()) > 0')
    " The first diagnostics may come before the server read the settings.
    call s:Wait(3000, 'empty(filter(copy(s:Loclist()), {_, d -> get(d, "code", "") is# "include-not-found"}))')
    let s:result.diagnostics = s:Diagnostics()

    call search(' Px,')
    normal! l
    ALEHover
    call s:Wait(s:timeout, '!empty(s:Preview())')
    let s:result.hover = join(s:Preview(), "\n")
endfunction

try
    call s:Run()
catch
    let s:result.error = v:exception . ' at ' . v:throwpoint
endtry
call writefile([json_encode(s:result)], $ARMORSMITH_TEST_OUT)
qall!
