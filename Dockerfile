# One image for both services of docker-compose.yml: `app` runs this CMD (API + SPA; jobs too unless
# RUN_WORKERS=false) and `worker` runs server/src/worker.ts (the jobs only).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
USER node
EXPOSE 3000
# A larger young generation for the web process: fewer objects promoted, far fewer long pauses under
# load (docs/SCALING.md, "Garbage collection").
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "server/src/main.ts"]
