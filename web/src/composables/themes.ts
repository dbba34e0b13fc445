import { api, unwrap } from '@/api/client';

// The themes feature of the API: the words calls and comuni' interests are classified by.

export const listThemes = () => unwrap(api.GET('/themes'));
export const createTheme = (code: string, label: string) => unwrap(api.POST('/themes', { body: { code, label } }));
