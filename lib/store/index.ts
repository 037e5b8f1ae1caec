/**
 * The store: every read and write of Backline's data, and the only code that touches the
 * database. One job per module:
 * - ./engine.ts: the write engine (one transaction per write, request ids, change events);
 * - ./schema.ts: the typed IndexedDB schema and its versioned migrations;
 * - ./meta.ts: typed accessors for each `meta` entry;
 * - ./settings.ts, ./queries.ts: settings and read models;
 * - ./tickets.ts: ticket commands; ./propagation.ts: outbox queueing, note texts, delivery records;
 * - ./deliveries.ts: undelivered effects across tickets, Retry now and Cancel;
 * - ./workspace.ts, ./transfer.ts: ticket types, teammates, connections; export and import.
 * The Store class gathers them for the background, which owns it.
 */
import { StoreEngine } from './engine';
import * as queries from './queries';
import * as settings from './settings';
import * as adminAccess from './admin-access';
import * as deliveries from './deliveries';
import * as propagation from './propagation';
import * as tickets from './tickets';
import * as transfer from './transfer';
import * as undo from './undo';
import * as workspace from './workspace';

export { StoreEngine } from './engine';

type Rest<F> = F extends (s: StoreEngine, ...args: infer A) => unknown ? A : never;

export class Store extends StoreEngine {
  // settings
  getSettings = (...a: Rest<typeof settings.getSettings>) => settings.getSettings(this, ...a);
  getStoredSettings = (...a: Rest<typeof settings.getStoredSettings>) => settings.getStoredSettings(this, ...a);
  saveSettings = (...a: Rest<typeof settings.saveSettings>) => settings.saveSettings(this, ...a);
  // reads
  listTypes = (...a: Rest<typeof queries.listTypes>) => queries.listTypes(this, ...a);
  listTeammates = (...a: Rest<typeof queries.listTeammates>) => queries.listTeammates(this, ...a);
  me = (...a: Rest<typeof queries.me>) => queries.me(this, ...a);
  getConversation = (...a: Rest<typeof queries.getConversation>) => queries.getConversation(this, ...a);
  getTicket = (...a: Rest<typeof queries.getTicket>) => queries.getTicket(this, ...a);
  getTicketView = (...a: Rest<typeof queries.getTicketView>) => queries.getTicketView(this, ...a);
  getActivityPage = (...a: Rest<typeof queries.getActivityPage>) => queries.getActivityPage(this, ...a);
  linkedTickets = (...a: Rest<typeof queries.linkedTickets>) => queries.linkedTickets(this, ...a);
  linkedCount = (...a: Rest<typeof queries.linkedCount>) => queries.linkedCount(this, ...a);
  queryTickets = (...a: Rest<typeof queries.queryTickets>) => queries.queryTickets(this, ...a);
  backlineMessages = (...a: Rest<typeof queries.backlineMessages>) => queries.backlineMessages(this, ...a);
  // ticket commands
  rememberConversation = (...a: Rest<typeof tickets.rememberConversation>) => tickets.rememberConversation(this, ...a);
  createTicket = (...a: Rest<typeof tickets.createTicket>) => tickets.createTicket(this, ...a);
  updateTicket = (...a: Rest<typeof tickets.updateTicket>) => tickets.updateTicket(this, ...a);
  changeState = (...a: Rest<typeof tickets.changeState>) => tickets.changeState(this, ...a);
  addNote = (...a: Rest<typeof tickets.addNote>) => tickets.addNote(this, ...a);
  link = (...a: Rest<typeof tickets.link>) => tickets.link(this, ...a);
  unlink = (...a: Rest<typeof tickets.unlink>) => tickets.unlink(this, ...a);
  undoChange = (...a: Rest<typeof undo.undoChange>) => undo.undoChange(this, ...a);
  getEffect = (...a: Rest<typeof propagation.getEffect>) => propagation.getEffect(this, ...a);
  expandFanouts = () => propagation.expandFanouts(this);
  setLinkReason = (...a: Rest<typeof tickets.setLinkReason>) => tickets.setLinkReason(this, ...a);
  // deliveries (the outbox across tickets)
  listDeliveries = () => deliveries.listDeliveries(this);
  failedEffectIds = () => deliveries.failedEffectIds(this);
  hurryEffect = (...a: Rest<typeof deliveries.hurryEffect>) => deliveries.hurryEffect(this, ...a);
  cancelEffect = (...a: Rest<typeof deliveries.cancelEffect>) => deliveries.cancelEffect(this, ...a);
  // what the helpdesk said
  recordConversationSnapshot = (...a: Rest<typeof propagation.recordConversationSnapshot>) => propagation.recordConversationSnapshot(this, ...a);
  // connections (with their secrets: for the background's connectors only)
  connectionRecords = () => workspace.connectionRecords(this);
  // admin access (this browser's, not the workspace's)
  passphraseRecord = () => adminAccess.passphraseRecord(this);
  unlockThrottle = () => adminAccess.unlockThrottle(this);
  saveUnlockThrottle = (...a: Rest<typeof adminAccess.saveUnlockThrottle>) => adminAccess.saveUnlockThrottle(this, ...a);
  setFirstPassphrase = (...a: Rest<typeof adminAccess.setFirstPassphrase>) => adminAccess.setFirstPassphrase(this, ...a);
  /** Every exportable record, as one consistent snapshot (no secrets). */
  exportAll = (now?: number) => transfer.buildExport(this.db, now);
}
