import { Query, Resolver } from '@nestjs/graphql';
import { Auth, RequireAuth } from 'nestjs-warden';

/** GraphQL fields for two token classes: `me` for sessions (the default), `report` for machines with a scope. */
@Resolver()
export class ReportsResolver {
  @RequireAuth()
  @Query()
  me(@Auth('userId') userId: string): string {
    return userId;
  }

  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'reports:read' })
  @Query()
  report(@Auth('machineId') machineId: string): string {
    return `report for ${machineId}`;
  }
}
