-- Drives `fraglint lsp` from a real Neovim with only what Neovim 0.7 has (Debian 12 ships 0.7.2):
-- open a file, wait for diagnostics, apply the quick fix, read the hover. Writes what it saw as
-- JSON to $FRAGLINT_NVIM_OUT and quits; tests/test_neovim.py asserts on it.
local out = {}
local function finish()
  local file = io.open(os.getenv("FRAGLINT_NVIM_OUT"), "w")
  file:write(vim.fn.json_encode(out))
  file:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local root = os.getenv("FRAGLINT_NVIM_ROOT")
  local cmd = vim.fn.json_decode(os.getenv("FRAGLINT_NVIM_CMD"))
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/app.py"))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = "fraglint", cmd = cmd, root_dir = root })
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)

  local function diagnostics()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(found, { line = d.lnum + 1, col = d.col, code = d.code, message = d.message, severity = d.severity })
    end
    return found
  end

  out.waited = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  out.before = diagnostics()
  out.initialized = client.initialized or false

  -- The quick fix on the first diagnostic's line.
  local first = vim.diagnostic.get(buf)[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = {} }
  local response = client.request_sync("textDocument/codeAction", params, 10000, buf)
  out.actions = {}
  local chosen
  for _, action in ipairs((response and response.result) or {}) do
    table.insert(out.actions, action.title)
    if action.isPreferred and not chosen then chosen = action end
  end
  if chosen then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  end
  out.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  -- The edit went to the server as didChange: wait for the finding it fixed to go.
  out.fixed = vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == first.code and d.lnum == first.lnum then return false end
    end
    return true
  end, 50)
  out.after = diagnostics()

  -- Hover on the button inside the fragment.
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for number, line in ipairs(lines) do
    local col = line:find("st.button", 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { number, col + 2 })
      local hover = client.request_sync("textDocument/hover", vim.lsp.util.make_position_params(), 10000, buf)
      out.hover = hover and hover.result and hover.result.contents.value or vim.NIL
      break
    end
  end
  client.stop()
end)
if not ok then out.error = tostring(err) end
finish()
