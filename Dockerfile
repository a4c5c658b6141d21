# One image for both apps; docker-compose.yml picks the process with `command`.

# Stage 1: compile TypeScript with the full (dev) dependency tree.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# Stage 2: production dependencies and the compiled output only (no compiler, no sources).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# glibc: large blocks (scrypt's 16 MiB per password hash) always mapped, so freed ones leave RSS
# instead of staying in the libuv threads' malloc arenas (docs/soak.md, "Memory"; the auth server
# warns at boot without it).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The web console is plain ES modules served as they are (Preact and htm come from node_modules).
COPY --from=build /app/apps/console/public ./apps/console/public
USER node
EXPOSE 3000 3001
# V8's young generation capped at 4 MiB a semi-space, as in start:auth (docs/soak.md, "Memory").
CMD ["node", "--max-semi-space-size=4", "dist/apps/auth-server/src/main.js"]
