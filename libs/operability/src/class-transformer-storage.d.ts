// class-transformer ships no declaration beside its CommonJS storage module; its types live under types/.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
