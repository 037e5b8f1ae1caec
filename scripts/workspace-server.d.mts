export interface WorkspaceCredentials {
  name: string;
  password: string;
}

export interface WorkspaceServer {
  /** The server's root, e.g. `http://127.0.0.1:5984`. */
  url: string;
  /** The workspace database's URL (`${url}/backline`). */
  dbUrl: string;
  /** `admin`: alice, a workspace admin (`backline-admin`); `member`: bob (`backline-member`). */
  users: { admin: WorkspaceCredentials; member: WorkspaceCredentials };
  /** Where the databases are: `memory`, or the folder given as `dir`. */
  storage: string;
  /** The CouchDB server admin (`_admin`), with a password made up at each start. */
  serverAdmin: WorkspaceCredentials;
  /**
   * Writes documents straight into the workspace database, unchecked by the rules (as a server
   * admin's write would be), in batches: for benchmarks that need tens of thousands.
   */
  seed(docs: object[]): Promise<void>;
  close(): Promise<void>;
}

export const WORKSPACE_DB: string;
export const WORKSPACE_USERS: {
  admin: WorkspaceCredentials & { roles: string[] };
  member: WorkspaceCredentials & { roles: string[] };
};
export function startWorkspaceServer(options?: { port?: number; dir?: string; host?: string }): Promise<WorkspaceServer>;
export function describeWorkspace(workspace: Pick<WorkspaceServer, 'dbUrl' | 'storage' | 'users' | 'serverAdmin'>): string;
