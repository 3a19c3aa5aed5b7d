-- The tree-sitter side of editors/nvim in headless Neovim (tests/editors/test_nvim_treesitter.py).
--
-- Records what `require('armorsmith.treesitter').register()` gives each interface of
-- nvim-treesitter (the `master` branch's `get_parser_configs()`, the `main` branch's parsers
-- table and its `User TSUpdate` reload; the modules are stand-ins with the same shape, as
-- nvim-treesitter cannot be fetched here), then loads the parser pytest compiled from the
-- grammar and runs the plugin's queries on a profile: highlight captures at positions, fold
-- levels, and the matches of the locals and tags queries.  Written as JSON to
-- $ARMORSMITH_TEST_OUT.

local out_path = assert(os.getenv('ARMORSMITH_TEST_OUT'), 'ARMORSMITH_TEST_OUT is not set')
local parser_path = os.getenv('ARMORSMITH_TEST_PARSER')
local profile = os.getenv('ARMORSMITH_TEST_PROFILE')
local positions = vim.json.decode(os.getenv('ARMORSMITH_TEST_POSITIONS') or '[]')

local result = {}

local function run()
  local treesitter = require('armorsmith.treesitter')

  -- nvim-treesitter's master branch.
  local configs = {}
  package.loaded['nvim-treesitter.parsers'] = {
    get_parser_configs = function()
      return configs
    end,
  }
  result.master = { registered = treesitter.register({ quiet = true }), entry = configs.apparmor or vim.NIL }

  -- nvim-treesitter's main branch, which reloads its table before installing.
  local parsers = {}
  package.loaded['nvim-treesitter.parsers'] = parsers
  local registered = treesitter.register({ quiet = true })
  local reloaded = {}
  package.loaded['nvim-treesitter.parsers'] = reloaded
  vim.api.nvim_exec_autocmds('User', { pattern = 'TSUpdate' })
  result.main = {
    registered = registered,
    entry = parsers.apparmor or vim.NIL,
    after_update = reloaded.apparmor or vim.NIL,
  }

  -- Without nvim-treesitter.
  package.loaded['nvim-treesitter.parsers'] = nil
  result.without = treesitter.register({ quiet = true })

  -- The compiled parser with the plugin's queries, found on the runtimepath.
  vim.treesitter.language.add('apparmor', { path = parser_path })
  vim.cmd('edit ' .. vim.fn.fnameescape(profile))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  vim.treesitter.start(buf)
  local tree = vim.treesitter.get_parser(buf):parse(true)[1]

  result.queries = {}
  for _, name in ipairs({ 'highlights', 'folds', 'locals', 'tags' }) do
    local ok, query = pcall(vim.treesitter.query.get, 'apparmor', name)
    result.queries[name] = ok and (query and query.captures or vim.NIL) or ('error: ' .. tostring(query))
  end

  result.captures = {}
  for _, position in ipairs(positions) do
    local names = {}
    for _, capture in ipairs(vim.treesitter.get_captures_at_pos(buf, position[1], position[2])) do
      table.insert(names, capture.capture)
    end
    table.insert(result.captures, names)
  end

  vim.wo.foldmethod = 'expr'
  vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
  result.folds = {}
  for line = 1, vim.api.nvim_buf_line_count(buf) do
    table.insert(result.folds, vim.fn.foldlevel(line))
  end

  for _, name in ipairs({ 'locals', 'tags' }) do
    local query = vim.treesitter.query.get('apparmor', name)
    local found = {}
    for id, node in query:iter_captures(tree:root(), buf) do
      local capture = query.captures[id]
      if capture:sub(1, 1) ~= '_' then
        table.insert(found, { capture, vim.treesitter.get_node_text(node, buf) })
      end
    end
    result[name] = found
  end
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  result.error = err
end
local file = assert(io.open(out_path, 'w'))
file:write(vim.json.encode(result))
file:close()
vim.cmd('qa!')
