// Claude Code transcripts as a source: where they are, which files, what each line means, which project.
export { discoverRoots } from './roots';
export type { DiscoverRootsOptions } from './roots';
export { listTranscriptFiles, sessionIdFromPath, encodedProjectDirOf } from './walk';
export type { TranscriptFile } from './walk';
export { parseTranscriptLine, mayCarryUsageOrTitle } from './parse';
export type { ParsedLine } from './parse';
export { parseResetText, isLimitText, inferLimitType } from './limitText';
export type { LimitType } from './limitText';
export { canonicalProject, clearProjectCache } from './project';
export type { CanonicalProject } from './project';
