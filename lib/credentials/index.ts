// What users of the credentials layer need; the rest of lib/credentials is internal.
export { Credentials } from './credentials';
export type { CredentialsProps } from './credentials';
export { CredentialSource } from './source';
export type { ExternalCredentialOptions, PasswordGeneratorOptions, RemoteKey, SecretStoreRef } from './source';
export { CredentialShape } from './shapes';
export type { CharacterClass, CredentialShapeKind, HtpasswdShapeOptions, PasswordShapeOptions, RsaPrivateKeyShapeOptions, SelfSignedCertificateShapeOptions } from './shapes';
export type { CredentialKey, CredentialSecret, ExternalSecretKey, GeneratedSecretKey, IUsesSecrets } from './types';
export { SECRET_GENERATOR_IMAGE, SecretGenerator } from './secret-generator';
export type { SecretGeneratorProps } from './secret-generator';
export type { WaitForSecrets, WaitForSecretsOptions } from './wait';
