import type { Command } from 'commander';
import type { Preview } from '../../serve/server.js';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** `compose serve ISSUE.yaml`: the live preview for the desk, on the loopback by default. */
export function serveCommand(program: Command, exit: SetExit): void {
  program
    .command('serve')
    .description('a local web page that shows the pages and composes again whenever the issue, a layout or a picture changes')
    .argument('<issue>', 'issue file (YAML)')
    .option('--port <n>', 'port (0: any free one)', '8123')
    .option('--host <address>', 'address to listen on; the loopback unless you mean to share the preview', '127.0.0.1')
    .option('--dpi <n>', 'resolution of the page images', '60')
    .action(async (file: string, opts: { port: string; host: string; dpi: string }) => {
      const port = Number(opts.port);
      const dpi = Number(opts.dpi);
      if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`serve: --port must be 0–65535, not "${opts.port}"`, { exitCode: EXIT.badInput });
      if (!(dpi >= 10 && dpi <= 300)) program.error(`serve: --dpi must be between 10 and 300, not "${opts.dpi}"`, { exitCode: EXIT.badInput });
      const { ListenError, startPreview } = await composer.server();
      let preview: Preview;
      try {
        preview = await startPreview(file, { host: opts.host, port, dpi, log: (line) => process.stderr.write(`${line}\n`) });
      } catch (e) {
        if (e instanceof ListenError) program.error(`serve: ${e.message}`, { exitCode: EXIT.badInput });
        throw e;
      }
      process.stderr.write(`preview of ${file} at ${preview.url} (Ctrl-C to stop)\n`);
      await preview.ready;
      await new Promise<void>((resolve) => {
        const stop = () => void preview.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      exit(EXIT.clean);
    });
}
