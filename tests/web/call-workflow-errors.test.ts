// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import CallRevisionPanel from '@/components/CallRevisionPanel.vue';
import CallWorkflow from '@/components/CallWorkflow.vue';

// Every move is refused the way the API refuses it: problem+json, with the field when there is one.
vi.hoisted(() => {
  const problem = (status: number, detail: string, errors?: { field: string; message: string }[]) =>
    new Response(JSON.stringify({ status, title: 'Errore', detail, errors }), { status, headers: { 'content-type': 'application/problem+json' } });
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const url = (input instanceof Request ? input : new Request(String(input))).url;
    if (url.endsWith('/auth/csrf')) return new Response(JSON.stringify({ token: 't' }), { status: 200, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/schedule'))
      return problem(422, 'La data di pubblicazione programmata è già passata.', [{ field: 'body.publishAt', message: 'Indica una data futura.' }]);
    if (url.endsWith('/withdraw'))
      return problem(422, 'Alcuni dati non sono validi.', [{ field: 'body.reason', message: 'Deve contenere al massimo 1000 caratteri.' }]);
    return problem(409, 'Il bando è cambiato nel frattempo: ricarica la pagina.');
  }) as typeof fetch;
});
afterEach(cleanup);

const call = (allowedActions: string[]) => ({ id: 'c1', editorialStatus: 'approved', allowedActions }) as unknown as Schemas['EditorialCall'];
const summary = () => screen.getByRole('heading', { name: /^Correggi / }).parentElement!;

describe('CallWorkflow', () => {
  it('asks for the publication date beside its field and in the summary, without calling the API', async () => {
    render(CallWorkflow, { props: { call: call(['schedule']) } });
    expect(screen.getByText('I campi con l’asterisco (*) sono obbligatori.')).toBeTruthy();
    expect((screen.getByLabelText(/^Pubblica il/) as HTMLInputElement).required).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Programma' }));
    expect(document.getElementById('publish-at-error')?.textContent).toBe('Errore: Indica il giorno e l’ora della pubblicazione.');
    expect(screen.getByRole('link', { name: 'Pubblica il: Indica il giorno e l’ora della pubblicazione.' }).getAttribute('href')).toBe('#publish-at');
  });

  it('shows the API’s refusal of a past date beside the date', async () => {
    render(CallWorkflow, { props: { call: call(['schedule']) } });
    const field = screen.getByLabelText(/^Pubblica il/);
    await fireEvent.update(field, '01/01/2020 09:00');
    await fireEvent.change(field);
    await fireEvent.click(screen.getByRole('button', { name: 'Programma' }));
    await waitFor(() => expect(document.getElementById('publish-at-error')?.textContent).toBe('Errore: Indica una data futura.'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a refused move in the summary, and clears it once the call changes', async () => {
    const { rerender } = render(CallWorkflow, { props: { call: call(['publish']) } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pubblica ora' }));
    await waitFor(() => expect(summary().textContent).toContain('Il bando è cambiato nel frattempo: ricarica la pagina.'));
    expect(screen.queryByRole('alert')).toBeNull();
    await rerender({ call: call(['publish', 'withdraw']) });
    expect(screen.queryByRole('heading', { name: /^Correggi / })).toBeNull();
  });

  it('asks for the reason of a withdrawal beside it, in the dialog', async () => {
    render(CallWorkflow, { props: { call: call(['withdraw']) } });
    await fireEvent.click(screen.getByRole('button', { name: 'Ritira' }));
    const reason = screen.getByLabelText(/^Motivo del ritiro/);
    expect((reason as HTMLTextAreaElement).required).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Ritira il bando' }));
    expect(document.getElementById('withdraw-reason-error')?.textContent).toBe('Errore: Scrivi il motivo del ritiro: i comuni lo riceveranno.');
    await fireEvent.update(reason, 'Bando annullato dalla Regione.');
    await fireEvent.click(screen.getByRole('button', { name: 'Ritira il bando' }));
    await waitFor(() => expect(document.getElementById('withdraw-reason-error')?.textContent).toBe('Errore: Deve contenere al massimo 1000 caratteri.'));
    expect(reason.getAttribute('aria-describedby')).toBe('withdraw-reason-hint withdraw-reason-error');
  });
});

describe('CallRevisionPanel', () => {
  it('shows a refusal in the error summary', async () => {
    const revision = {
      id: 'r1',
      status: 'approved',
      changes: {},
      authors: [],
      source: null,
      submittedBy: null,
      approvedBy: null,
      updatedAt: '2026-11-22T10:00:00.000Z',
      allowedActions: ['publish'],
    } as unknown as Schemas['CallRevision'];
    render(CallRevisionPanel, { props: { callId: 'c1', revision } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pubblica le modifiche' }));
    await waitFor(() => expect(summary().textContent).toContain('Il bando è cambiato nel frattempo: ricarica la pagina.'));
  });
});
