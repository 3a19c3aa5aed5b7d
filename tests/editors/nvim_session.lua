-- One headless Neovim session against the real armorsmith server (tests/editors/test_nvim.py).
--
-- It runs with editors/nvim on the runtimepath and does what a user does: lets the plugin
-- detect filetypes, starts the server as configured (`vim.lsp.enable('armorsmith')` on
-- Neovim 0.11, `require('armorsmith').setup()` on any version), opens a profile, waits for
-- its diagnostics, hovers an exec mode, pastes a denial line and applies the code action
-- picked from the menu.  Each step waits with `vim.wait` under a timeout and records what it
-- saw; the record is written as JSON to $ARMORSMITH_TEST_OUT, which pytest reads and checks.
-- (print() is unreliable on Neovim 0.7 headless, and `arg` is not set under `-c luafile`, so
-- inputs come from the environment.)

local out_path = assert(os.getenv('ARMORSMITH_TEST_OUT'), 'ARMORSMITH_TEST_OUT is not set')
local mode = os.getenv('ARMORSMITH_TEST_MODE') or 'setup'
local profile = os.getenv('ARMORSMITH_TEST_PROFILE')
local denial = os.getenv('ARMORSMITH_TEST_DENIAL')
local probes = os.getenv('ARMORSMITH_TEST_PROBES') or ''
local include = os.getenv('ARMORSMITH_TEST_INCLUDE')
local timeout = tonumber(os.getenv('ARMORSMITH_TEST_TIMEOUT') or '') or 15000
local settle = tonumber(os.getenv('ARMORSMITH_TEST_SETTLE') or '') or 3000

local v = vim.version()
local result = { version = string.format('%d.%d.%d', v.major, v.minor, v.patch), mode = mode, steps = {} }

local function step(name, value)
  result[name] = value
  table.insert(result.steps, name)
end

-- The armorsmith clients attached to `buf` (Neovim 0.7's get_active_clients takes no filter).
local function clients_of(buf)
  local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
  local found = {}
  for _, client in pairs(attached) do
    if client.name == 'armorsmith' then
      table.insert(found, client)
    end
  end
  return found
end

local function diagnostics_of(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(list, {
      line = d.lnum,
      col = d.col,
      severity = d.severity,
      message = d.message,
      code = d.code or lsp.code,
      source = d.source,
    })
  end
  table.sort(list, function(a, b)
    return a.line < b.line or (a.line == b.line and a.col < b.col)
  end)
  return list
end

local function find_line(buf, needle)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return index - 1, col - 1
    end
  end
  return nil, nil
end

local function floating_lines()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
    end
  end
  return nil
end

local function close_floats()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      vim.api.nvim_win_close(win, true)
    end
  end
end

local function run()
  -- Filetype detection, on buffers of paths that need not exist.
  local detected = {}
  for path in probes:gmatch('[^\n]+') do
    vim.cmd('silent edit ' .. vim.fn.fnameescape(path))
    detected[path] = vim.bo.filetype
    vim.cmd('bwipeout!')
  end
  step('filetypes', detected)

  local overrides = { settings = { armorsmith = { includePaths = { include }, index = { enabled = false } } } }
  if mode == 'enable' then
    vim.lsp.config('armorsmith', overrides)
    vim.lsp.enable('armorsmith')
  else
    require('armorsmith').setup(overrides)
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(profile))
  local buf = vim.api.nvim_get_current_buf()
  step('filetype', vim.bo[buf].filetype)

  local attached = vim.wait(timeout, function()
    local clients = clients_of(buf)
    return #clients > 0 and clients[1].initialized ~= false and clients[1].server_capabilities ~= nil
  end, 20)
  local client = clients_of(buf)[1]
  step('client', client and {
    name = client.name,
    root_dir = client.config.root_dir or vim.NIL,
    offset_encoding = client.offset_encoding,
    hover = client.server_capabilities.hoverProvider and true or false,
    code_action = client.server_capabilities.codeActionProvider and true or false,
    pull = client.server_capabilities.diagnosticProvider ~= nil and vim.lsp.diagnostic.on_diagnostic ~= nil,
  } or vim.NIL)
  if not attached or not client then
    return
  end

  vim.wait(timeout, function()
    return #vim.diagnostic.get(buf) > 0
  end, 20)
  -- The first answer may come before the server read the settings; the test's include
  -- path then takes effect when the server lints again.
  vim.wait(settle, function()
    for _, d in ipairs(diagnostics_of(buf)) do
      if d.code == 'include-not-found' then
        return false
      end
    end
    return true
  end, 20)
  step('diagnostics', diagnostics_of(buf))

  -- Hover the exec mode `Px`, as the user does with the cursor on it.
  local line, col = find_line(buf, ' Px,')
  if line and client.server_capabilities.hoverProvider then
    vim.api.nvim_win_set_cursor(0, { line + 1, col + 1 })
    vim.lsp.buf.hover()
    local shown = vim.wait(timeout, function()
      local lines = floating_lines()
      return lines ~= nil and #table.concat(lines) > 0
    end, 20)
    step('hover', shown and table.concat(floating_lines(), '\n') or vim.NIL)
    close_floats()
  end

  -- Paste a denial into the profile and pick "Replace with ..." from the code action menu.
  if denial and client.server_capabilities.codeActionProvider then
    local at = find_line(buf, ' Px,')
    vim.api.nvim_buf_set_lines(buf, at + 1, at + 1, false, { '  ' .. denial })
    local pasted = vim.wait(timeout, function()
      for _, d in ipairs(diagnostics_of(buf)) do
        if d.line == at + 1 then
          return true
        end
      end
      return false
    end, 20)
    step('pasted_diagnostics', pasted and vim.tbl_filter(function(d)
      return d.line == at + 1
    end, diagnostics_of(buf)) or {})

    local offered = {}
    local chosen = nil
    vim.ui.select = function(items, opts, on_choice)
      for index, item in ipairs(items) do
        local title = opts.format_item and opts.format_item(item) or tostring(item)
        table.insert(offered, title)
        if not chosen and title:find('Replace with', 1, true) then
          chosen = index
        end
      end
      on_choice(chosen and items[chosen] or nil, chosen)
    end
    vim.api.nvim_win_set_cursor(0, { at + 2, 4 })
    vim.lsp.buf.code_action()
    vim.wait(timeout, function()
      return #offered > 0
    end, 20)
    local applied = chosen ~= nil and vim.wait(timeout, function()
      return find_line(buf, denial) == nil
    end, 20)
    step('code_action', {
      offered = offered,
      applied = applied and true or false,
      lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
    })
  end

  -- Another file of the same policy directory is served by the same client.
  local other = os.getenv('ARMORSMITH_TEST_OTHER')
  if other then
    vim.cmd('edit ' .. vim.fn.fnameescape(other))
    local other_buf = vim.api.nvim_get_current_buf()
    vim.wait(timeout, function()
      return #clients_of(other_buf) > 0
    end, 20)
    local ids = {}
    for _, c in ipairs(clients_of(other_buf)) do
      table.insert(ids, c.id)
    end
    step('other', { filetype = vim.bo[other_buf].filetype, clients = ids, first = client.id })
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
