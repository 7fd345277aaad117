// The protocol module's public surface.
export * from './messages.ts';
export { MAX_LINE_BYTES, parseProducerLine, parseHostLine, helloVersionError, type ParseResult } from './parse.ts';
export { serializeMessage } from './serialize.ts';
export { LineSplitter, type LineSink } from './lines.ts';
export { openProducerChannel, type ProducerChannel, type ProducerChannelOptions } from './channel.ts';
