/**
 * The registry's errors as Confluent's REST API answers them: an HTTP status, an error code (the status with two more
 * digits, or the bare status for errors of the HTTP layer) and a message. Clients match on the code and some on the
 * message, so the texts are Confluent's, typos included ("soft deleted.Set permanent", "is not a valid.").
 */
export class SchemaRegistryError extends Error {
  override name = 'SchemaRegistryError';
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  /** The JSON body Confluent answers with. */
  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const subjectNotFound = (subject: string | null): SchemaRegistryError => new SchemaRegistryError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number): SchemaRegistryError => new SchemaRegistryError(404, 40402, `Version ${version} not found.`);
export const schemaNotFound = (id?: number): SchemaRegistryError => new SchemaRegistryError(404, 40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
export const subjectSoftDeleted = (subject: string): SchemaRegistryError =>
  new SchemaRegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
export const subjectNotSoftDeleted = (subject: string): SchemaRegistryError =>
  new SchemaRegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
export const versionSoftDeleted = (subject: string, version: string): SchemaRegistryError =>
  new SchemaRegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`);
export const versionNotSoftDeleted = (subject: string, version: string): SchemaRegistryError =>
  new SchemaRegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
export const compatibilityNotConfigured = (subject: string): SchemaRegistryError =>
  new SchemaRegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const modeNotConfigured = (subject: string): SchemaRegistryError => new SchemaRegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);

/** Confluent's code for an incompatible schema is the bare status. */
export const incompatibleSchema = (message: string): SchemaRegistryError => new SchemaRegistryError(409, 409, message);

export const invalidSchema = (message: string): SchemaRegistryError => new SchemaRegistryError(422, 42201, message);
export const invalidVersion = (version: string): SchemaRegistryError =>
  new SchemaRegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
export const invalidCompatibilityLevel = (): SchemaRegistryError =>
  new SchemaRegistryError(422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
export const invalidMode = (): SchemaRegistryError => new SchemaRegistryError(422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.');
export const operationNotPermitted = (message: string): SchemaRegistryError => new SchemaRegistryError(422, 42205, message);
/** Confluent's message is the referenced version's SchemaKey as Java prints it. */
export const referenceExists = (subject: string, version: number): SchemaRegistryError =>
  new SchemaRegistryError(422, 42206, `{magic=1,keytype=SCHEMA,subject=${subject},version=${version}}`);
export const invalidSubject = (subject: string): SchemaRegistryError => new SchemaRegistryError(422, 42208, `The specified subject '${subject}' is not a valid.`);

export const storeError = (message: string): SchemaRegistryError => new SchemaRegistryError(500, 50001, message);
export const operationTimeout = (message: string): SchemaRegistryError => new SchemaRegistryError(500, 50002, message);
