/**
 * The PouchDB the background replicates the workspace with: PouchDB's core with its `indexeddb`
 * adapter (about a third faster than the older `idb` adapter for a first sync of tens of
 * thousands of documents), HTTP to the server and replication. Nothing else of PouchDB ships.
 */
import PouchDB from 'pouchdb-core';
import IndexedDbAdapter from 'pouchdb-adapter-indexeddb';
import HttpAdapter from 'pouchdb-adapter-http';
import Replication from 'pouchdb-replication';

PouchDB.plugin(IndexedDbAdapter).plugin(HttpAdapter).plugin(Replication);

/**
 * A name is a local database (the only local adapter here is `indexeddb`), an http(s) URL a
 * remote one; PouchDB tells them apart by itself.
 */
export const WorkspacePouchDB = PouchDB;
