" The armorsmith language server for AppArmor policy, as an ALE linter: diagnostics,
" :ALEHover, :ALEGoToDefinition, :ALEFindReferences, :ALECodeAction and the rest of ALE's
" LSP commands.
" Settings (see README.md) go in g:ale_apparmor_armorsmith_config, for instance
"   let g:ale_apparmor_armorsmith_config = {'armorsmith': {'includePaths': ['/etc/apparmor.d']}}

call ale#Set('apparmor_armorsmith_executable', 'armorsmith')
call ale#Set('apparmor_armorsmith_config', {})

" The policy directory (the folder holding abstractions/ or tunables/, as /etc/apparmor.d
" does), else the repository, else the file's folder.
function! ale_linters#apparmor#armorsmith#GetProjectRoot(buffer) abort
    for l:marker in ['abstractions', 'tunables', '.git']
        let l:found = ale#path#FindNearestDirectory(a:buffer, l:marker)

        if !empty(l:found)
            return fnamemodify(l:found, ':h:h')
        endif
    endfor

    return fnamemodify(bufname(a:buffer), ':p:h')
endfunction

call ale#linter#Define('apparmor', {
\   'name': 'armorsmith',
\   'lsp': 'stdio',
\   'executable': {b -> ale#Var(b, 'apparmor_armorsmith_executable')},
\   'command': '%e serve',
\   'project_root': function('ale_linters#apparmor#armorsmith#GetProjectRoot'),
\   'lsp_config': {b -> ale#Var(b, 'apparmor_armorsmith_config')},
\})
