-- A real editor against `probe-lint lsp` (test/lsp-neovim.test.ts): Neovim 0.7
-- attaches the server to a manifest, waits for its diagnostics once the
-- server has read the workspace and writes them to a JSON file as Neovim
-- received them, applies the quick fix for the
-- probe-timeout-short finding with Neovim's own workspace-edit code, writes
-- the buffer and quits. Everything comes from the environment:
--   PROBE_LINT_NODE, PROBE_LINT_CLI  how to start the server
--   PROBE_LINT_ROOT                  the workspace folder
--   PROBE_LINT_FILE                  the manifest to open
--   PROBE_LINT_OUT                   where the JSON goes
-- Any failure is written to the JSON as `error` and ends Neovim with exit code 1.
local env = {}
for _, name in ipairs({ 'NODE', 'CLI', 'ROOT', 'FILE', 'OUT' }) do
  env[name] = os.getenv('PROBE_LINT_' .. name)
end

local report = { diagnostics = nil, shown = nil, fix = nil, error = nil }

local function finish(code)
  local out = io.open(env.OUT, 'w')
  out:write(vim.fn.json_encode(report))
  out:close()
  vim.cmd(code == 0 and 'qall!' or 'cquit! ' .. code)
end

local function fail(message)
  report.error = message
  finish(1)
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local published = {}
  -- How many diagnostics had been published when the server said its workspace scan was done: the ones
  -- after that have the whole workspace's Services as context, as the CLI's --context run has.
  local indexed_at = nil
  local client_id = vim.lsp.start_client({
    name = 'probe-lint',
    cmd = { env.NODE, env.CLI, 'lsp', '--stdio' },
    root_dir = env.ROOT,
    handlers = {
      -- Kept as received, then handed to Neovim's own handler (signs, virtual text, vim.diagnostic).
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        table.insert(published, result)
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      end,
      ['$/progress'] = function(err, result, ctx, config)
        if result.value and result.value.kind == 'end' then indexed_at = #published end
        return vim.lsp.handlers['$/progress'](err, result, ctx, config)
      end,
    },
  })
  if not client_id then return fail('vim.lsp.start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)

  if not vim.wait(30000, function() return indexed_at ~= nil and #published > indexed_at end, 20) then
    return fail('no diagnostics after the workspace scan within 30 s (' .. #published .. ' published)')
  end
  report.diagnostics = published[#published].diagnostics
  report.shown = #vim.diagnostic.get(bufnr)

  local target
  for _, d in ipairs(report.diagnostics) do
    if d.code == 'probe-timeout-short' then target = d end
  end
  if not target then return fail('no probe-timeout-short diagnostic') end

  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = target.range,
    context = { diagnostics = { target } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000)
  local action
  for _, response in pairs(responses or {}) do
    for _, candidate in ipairs(response.result or {}) do
      if candidate.kind == 'quickfix' and candidate.diagnostics and candidate.diagnostics[1].code == 'probe-timeout-short' then
        action = candidate
      end
    end
  end
  if not action or not action.edit then return fail('no quick fix for probe-timeout-short') end
  report.fix = action.title
  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('write')
  finish(0)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, message = pcall(main)
      if not ok then fail(tostring(message)) end
    end)
  end,
})
