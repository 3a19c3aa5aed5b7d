-- The AppArmor tree-sitter parser for nvim-treesitter: where the grammar is, and registering it.
--
-- The grammar lives in the armorsmith repository under `grammar/` (generated `src/parser.c`
-- and `src/scanner.c` are committed, so no tree-sitter CLI is needed to build it); this
-- plugin is `editors/nvim/` of the same repository, so the grammar is found beside it.  The
-- queries (highlights, folds, locals, tags) are in this plugin's `queries/apparmor/`, on the
-- runtimepath, so Neovim finds them whoever installed the parser.
--
-- `register()` adds the parser `apparmor` to nvim-treesitter, which then builds it with
-- `:TSInstall apparmor`.  Both of nvim-treesitter's interfaces are served: the `master`
-- branch (`get_parser_configs()`, Neovim 0.9 to 0.11) and the `main` branch (the parsers
-- table, re-read on `User TSUpdate`, Neovim 0.12).

local M = {}

-- Return the repository root that holds this plugin (editors/nvim/lua/armorsmith/ is four
-- levels below it).
local function repository_root()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(source, ':p:h:h:h:h:h')
end

-- Return the directory of the grammar (the one with `src/parser.c`), or nil when the plugin
-- was copied away from its repository.  `opts.grammar` names it explicitly.
function M.grammar_dir(opts)
  local directory = (opts and opts.grammar) or (repository_root() .. '/grammar')
  directory = vim.fn.fnamemodify(directory, ':p'):gsub('/$', '')
  if vim.fn.filereadable(directory .. '/src/parser.c') == 1 then
    return directory
  end
  return nil
end

-- Return the entry for nvim-treesitter's `master` branch (`get_parser_configs().apparmor`).
function M.master_config(grammar)
  return {
    install_info = {
      url = grammar,
      files = { 'src/parser.c', 'src/scanner.c' },
      generate_requires_npm = false,
      requires_generate_from_grammar = false,
    },
    filetype = 'apparmor',
  }
end

-- Return the entry for nvim-treesitter's `main` branch (`require('nvim-treesitter.parsers').apparmor`).
function M.main_config(grammar)
  return {
    install_info = { path = grammar },
  }
end

-- Register the parser with nvim-treesitter when it is installed.  Returns true when it was
-- registered.  Unless `opts.quiet`, says why when it could not be.
function M.register(opts)
  opts = opts or {}
  local function problem(message)
    if not opts.quiet then
      vim.notify('armorsmith: ' .. message, vim.log.levels.WARN)
    end
    return false
  end

  local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
  if not ok then
    return problem('nvim-treesitter is not installed; the tree-sitter parser was not registered')
  end
  local grammar = M.grammar_dir(opts)
  if not grammar then
    return problem('the grammar (grammar/src/parser.c) was not found beside the plugin; pass setup({ grammar = DIR })')
  end

  if type(parsers.get_parser_configs) == 'function' then
    parsers.get_parser_configs().apparmor = M.master_config(grammar)
    return true
  end

  parsers.apparmor = M.main_config(grammar)
  -- The main branch re-reads its parsers table before installing, then fires `User TSUpdate`.
  vim.api.nvim_create_autocmd('User', {
    group = vim.api.nvim_create_augroup('armorsmith_treesitter', { clear = true }),
    pattern = 'TSUpdate',
    callback = function()
      require('nvim-treesitter.parsers').apparmor = M.main_config(grammar)
    end,
  })
  return true
end

return M
