/**
 * A real SMTP server on loopback for the email tests (smtp-server + mailparser): it collects every
 * message it accepts, parsed, and can be told to refuse (a 451 "try later" or a 550 "no such user"
 * for everyone or some recipients; a refused message body, sign-in or connection) or to go down
 * altogether (stop listening) and come back on the same port. Below it, helpers that read a message
 * as its recipient would (visible text, links).
 */
import type { AddressObject } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export type SinkMessage = {
  /** The SMTP envelope: who it was really sent to. */
  envelope: { from: string; to: string[] };
  /** The headers as a mail client shows them. */
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
};

/**
 * When the sink says no: to a recipient (RCPT TO, the default), to the message once sent (DATA), to
 * our sign-in (AUTH, on `loginUrl`), or to the connection itself (the greeting).
 */
export type Refusal = { code: 421 | 451 | 535 | 550 | 554; at?: 'rcpt' | 'data' | 'login' | 'connect'; only?: (recipient: string) => boolean };

export type SmtpSink = {
  readonly port: number;
  /** An SMTP_URL for nodemailer: pooled, plain (the sink offers no STARTTLS). */
  readonly url: string;
  /** The same with a user name and password, so the client signs in (AUTH). */
  readonly loginUrl: string;
  /** Accepted messages, in arrival order. */
  readonly messages: SinkMessage[];
  /** How many times the sink said no so far. */
  readonly refused: number;
  /** Refuse from now on (recipients: all, or those `only` matches); null accepts again. */
  refuse: (refusal: Refusal | null) => void;
  /** Hold every accepted message this long before answering 250 (a slow server); 0 answers at once. */
  slow: (ms: number) => void;
  /** Stop listening: connections are refused until `up()`. */
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** Resolves once at least `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor: (count: number, timeoutMs?: number) => Promise<SinkMessage[]>;
  clear: () => void;
  stop: () => Promise<void>;
};

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => v.address ?? '')).filter((a) => a !== '');
}

const REPLIES: Record<Refusal['code'], string> = {
  421: 'Service not available, closing channel (test sink)',
  451: 'Try again later (test sink)',
  535: 'Authentication credentials invalid (test sink)',
  550: 'No such user here (test sink)',
  554: 'Transaction failed (test sink)',
};

function refusalError(code: Refusal['code']): Error {
  const error = new Error(REPLIES[code]) as Error & { responseCode: number };
  error.responseCode = code;
  return error;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  let refusal: Refusal | null = null;
  let refused = 0;
  let delayMs = 0;
  const refuseNow = (r: Refusal) => {
    refused += 1;
    return refusalError(r.code);
  };

  const createServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      // Sign-in over plain text is fine on loopback.
      allowInsecureAuth: true,
      // On `down()`, drop pooled client connections at once instead of after 30 s.
      closeTimeout: 20,
      onConnect(_session, callback) {
        if (refusal?.at === 'connect') return callback(refuseNow(refusal));
        callback();
      },
      onAuth(_auth, _session, callback) {
        if (refusal?.at === 'login') return callback(refuseNow(refusal));
        callback(null, { user: 'payapp' });
      },
      onRcptTo(address: SMTPServerAddress, _session, callback) {
        if (refusal && (refusal.at ?? 'rcpt') === 'rcpt' && (!refusal.only || refusal.only(address.address))) return callback(refuseNow(refusal));
        callback();
      },
      onData(stream, session, callback) {
        if (refusal?.at === 'data') {
          const error = refuseNow(refusal);
          stream.on('end', () => callback(error));
          stream.resume();
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              from: addresses(parsed.from)[0] ?? '',
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              headers: parsed.headers,
            });
            for (const wake of [...waiters]) wake();
            if (delayMs > 0) setTimeout(() => callback(), delayMs);
            else callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });

  let server = createServer();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);
  let listening = true;
  const close = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });

  return {
    port,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true&pool=true`,
    loginUrl: `smtp://payapp:secret@127.0.0.1:${port}?ignoreTLS=true&pool=true`,
    messages,
    get refused() {
      return refused;
    },
    refuse: (r) => {
      refusal = r;
    },
    slow: (ms) => {
      delayMs = ms;
    },
    down: close,
    up: async () => {
      if (listening) return;
      server = createServer();
      await listen(port);
      listening = true;
    },
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise<SinkMessage[]>((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the SMTP sink received ${messages.length} message(s) in ${timeoutMs} ms, expected ${count}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    clear: () => {
      messages.length = 0;
    },
    stop: close,
  };
}

/** What a person reads in the HTML part: no head, no tags, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/i, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      return named[e.toLowerCase()] ?? '';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The same collapsing for the text part, so both parts compare alike. */
export function plain(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

function trimUrl(url: string): string {
  return url.replace(/[.,;:!?)]+$/, '');
}

/** Every URL a reader can follow in the text part. */
export function textUrls(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => trimUrl(m[0]));
}

/** The buttons and links of the HTML part: label → href (decoded). */
export function htmlLinks(html: string): { label: string; url: string }[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({
    url: visibleText(m[1] ?? ''),
    label: visibleText(m[2] ?? ''),
  }));
}

/** Every URL in the HTML part: link targets and URLs written out in the text. */
export function htmlUrls(html: string): string[] {
  return [...new Set([...htmlLinks(html).map((l) => l.url), ...textUrls(visibleText(html))])];
}
