import 'fake-indexeddb/auto';
import { setFallbackCatalogue } from '@/components/common/i18n';
import en from '@/public/_locales/en/messages.json';

// Components' words outside a browser: the English catalogue (components/common/i18n.ts).
setFallbackCatalogue(en);
