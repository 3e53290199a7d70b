/** Sign in, forgotten password, and setting a password from a single-use link (first sign-in or reset). */
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../api/client.ts';
import { PublicShell } from '../components/layout.tsx';
import { Button, ErrorBanner, Loading, Notice, TextInput } from '../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../lib/hooks.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  useDocumentTitle('Sign in');
  const { signIn } = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState(search.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
      navigate(safeNext(search.get('next')), { replace: true, force: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, undefined));
    } finally {
      setBusy(false);
    }
  };
  return (
    <PublicShell>
      <form className="card narrow" onSubmit={submit} noValidate>
        <h1>Sign in</h1>
        {search.get('next') ? <Notice>Sign in to continue to the page you opened.</Notice> : null}
        <ErrorBanner error={error} />
        <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
        <TextInput label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        <Button tone="primary" type="submit" busy={busy}>
          Sign in
        </Button>
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
      </form>
    </PublicShell>
  );
}

export function ForgotPasswordPage() {
  useDocumentTitle('Reset your password');
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/v1/password-resets', { body: { email } }));
      setSent(true);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PublicShell>
      <form className="card narrow" onSubmit={submit} noValidate>
        <h1>Reset your password</h1>
        {sent ? (
          <Notice tone="success">If {email} has an account, a link to choose a new password is on its way. It works once, for one hour.</Notice>
        ) : (
          <>
            <ErrorBanner error={error} />
            <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
            <Button tone="primary" type="submit" busy={busy}>
              Send me a link
            </Button>
          </>
        )}
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </form>
    </PublicShell>
  );
}

/** /welcome?token=… (first sign-in) and /reset-password?token=… */
export function SetPasswordPage() {
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const link = useLoad(() => call(api.GET('/api/v1/links/{token}', { params: { path: { token } } })), [token]);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const { signIn } = useSession();
  const welcome = link.data?.purpose === 'invitation';
  useDocumentTitle(welcome ? 'Welcome' : 'Choose a new password');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      const done = await call(api.POST('/api/v1/links/{token}/password', { params: { path: { token } }, body: { password } }));
      await signIn(done.email, password);
      navigate('/', { replace: true, force: true });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <PublicShell>
      <div className="card narrow">
        {link.loading && !link.data ? <Loading /> : null}
        {link.error ? (
          <>
            <h1>This link does not work any more</h1>
            <ErrorBanner error={link.error} />
            <p>
              <Link to="/forgot-password">Ask for a new link</Link> or <Link to="/sign-in">sign in</Link>.
            </p>
          </>
        ) : null}
        {link.data ? (
          <form onSubmit={submit} noValidate>
            <h1>{welcome ? `Welcome, ${link.data.name}` : 'Choose a new password'}</h1>
            <p className="muted">Account: {link.data.email}</p>
            <ErrorBanner error={error} />
            <TextInput label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." value={password} onChange={(e) => setPassword(e.target.value)} error={error?.field === 'password' ? error.message : undefined} autoFocus />
            <TextInput label="Type it again" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={mismatch ? 'The two passwords are not the same.' : undefined} />
            <Button tone="primary" type="submit" busy={busy}>
              {welcome ? 'Set my password and sign in' : 'Save and sign in'}
            </Button>
          </form>
        ) : null}
      </div>
    </PublicShell>
  );
}
